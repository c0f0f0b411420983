# Attack: ignore every catchable signal, then spin forever.
import signal

for number in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP, signal.SIGALRM, signal.SIGXCPU, signal.SIGUSR1):
    signal.signal(number, signal.SIG_IGN)


def conv2d(x, weight, bias=None, stride=1, padding=0):
    while True:
        try:
            pass
        except BaseException:
            pass
