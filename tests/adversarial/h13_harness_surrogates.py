# Prints lone UTF-16 surrogates and raises an exception whose message and type name hold them.
# modes: standard strict
print("before \ud800 after \udfff end")


def conv2d(x, weight, bias=None, stride=1, padding=0):
    print("\udcff" * 50)
    raise ValueError("lone \ud83d surrogate \udc00")
