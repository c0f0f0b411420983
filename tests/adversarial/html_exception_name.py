# Attack: raise an exception whose class __name__ is HTML and whose str() recurses without end.
Evil = type("<img src=x onerror=alert(1)>", (Exception,), {})


class Deep(Exception):
    def __str__(self):
        return str(self)


def conv2d(x, weight, bias=None, stride=1, padding=0):
    if bias is None:
        raise Evil("<script>alert(2)</script>")
    raise Deep()
