# Sends lone surrogates and raw non-UTF-8 bytes in printed output and an exception's message (its type name, which
# cannot hold surrogates, gets escape codes), then crashes so the grader reads the captured bytes itself.
# modes: standard strict
import os
import sys

print("load \udc80\ud800 text")
os.write(1, b"raw \xff\xfe\xed\xa0\x80 bytes\n")
Odd = type("Odd\x1b[2J\u202eError", (Exception,), {})


def conv2d(x, weight, bias=None, stride=1, padding=0):
    print("call \udcff\ud83d" * 30, file=sys.stderr)
    os.write(2, b"\xed\xb2\x80 \x1b]0;title\x07\n")
    if bias is None:
        raise Odd("message \ud800 with \udc00 surrogates")
    os._exit(7)  # a crash: the grader reads what was captured from the work folder
