# Leaves a work folder no naive clean-up can remove: a 3000-level tree, folders without permissions, links out of
# the folder (to the checkout and /), a FIFO, a socket and thousands of files, planted on the first call.
# modes: standard strict
import os
import socket


def _plant():
    top = os.getcwd()
    os.makedirs("many", exist_ok=True)
    for i in range(3000):
        open(os.path.join("many", f"f{i}"), "w").close()
    os.symlink("{REPO}", "to-repo")
    os.symlink("/", "to-root")
    os.mkfifo("pipe")
    try:
        socket.socket(socket.AF_UNIX).bind("sock")
    except OSError:
        pass
    fd = os.open(".", os.O_RDONLY)
    for level in range(3000):
        os.mkdir("d", dir_fd=fd)
        inner = os.open("d", os.O_RDONLY, dir_fd=fd)
        if level % 500 == 0:
            os.symlink("{REPO}/solutions", "out", dir_fd=inner)
        os.close(fd)
        fd = inner
    os.chmod(fd, 0)
    os.close(fd)
    for name in ("locked", "locked/inner"):
        os.mkdir(name)
        open(os.path.join(name, "file"), "w").close()
    os.chmod("locked/inner", 0)
    os.chmod("locked", 0o100)
    os.chdir(top)


def conv2d(x, weight, bias=None, stride=1, padding=0):
    if not os.path.lexists("to-root"):
        _plant()
    raise ValueError("the work folder is planted")
