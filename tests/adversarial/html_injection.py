# Attack: inject HTML/JavaScript into the report through printed text and an exception message.
print('<script>alert("printed")</script>')


def conv2d(x, weight, bias=None, stride=1, padding=0):
    print('</pre><script>alert("call")</script>')
    raise ValueError('<img src=x onerror=alert(1)><script>alert("exception")</script>')
