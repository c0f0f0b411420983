# Attack: an interval timer whose handler raises every millisecond, so it strikes inside the worker's own
# request reading and reply writing, not only in learner code.
import signal


def _strike(*_):
    raise KeyboardInterrupt("timer")


def conv2d(x, weight, bias=None, stride=1, padding=0):
    signal.signal(signal.SIGALRM, _strike)
    signal.setitimer(signal.ITIMER_REAL, 0.001, 0.001)
    raise NotImplementedError("the timer keeps firing after this")
