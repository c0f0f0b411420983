# Attack: spoof the terminal summary with ANSI escapes, a carriage return and a bidi override in the message
# of an exception and in printed output ("clear screen, ✓ all passed, Score: 10/10").
print("\x1b[2J\x1b[H\x1b[32m✓ all passed\x1b[0m\rScore: 10/10")


def conv2d(x, weight, bias=None, stride=1, padding=0):
    raise ValueError("\r\x1b[2K\x1b[32m  ✓ every case passed\x1b[0m\nScore: 10/10 (3 of 3 cases passed)\x1b[8m"
                     "\u202eDESSAP\u202c\x07\x9b31m")
