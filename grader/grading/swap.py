"""Run a reference with one of its building blocks swapped for a mistaken variant.

Standard library only, and no other import: `grade validate` pastes this file into the stand-in submission it
grades, so the same code swaps blocks in the grader and in the sandboxed worker."""

import sys


def swapped(package, reference, block, variant):
    """`reference`, but wherever a module of `package` (e.g. "solutions") reaches `block` through a global name,
    it gets `variant` instead, for the length of each call.

    The variant itself may call the block (a flipped-kernel conv calls the right conv with a flipped kernel): a call
    made while the variant runs reaches the real block, so the swap never recurses."""
    if reference is block:
        return variant
    running = []

    def stand_in(*args, **kwargs):
        if running:
            return block(*args, **kwargs)
        running.append(True)
        try:
            return variant(*args, **kwargs)
        finally:
            running.pop()

    def call(*args, **kwargs):
        rebound = []
        try:
            for name, module in list(sys.modules.items()):
                if module is None or not (name == package or name.startswith(package + ".")):
                    continue
                namespace = vars(module)
                for attr, value in list(namespace.items()):
                    if value is block:
                        namespace[attr] = stand_in
                        rebound.append((namespace, attr))
            return reference(*args, **kwargs)
        finally:
            for namespace, attr in rebound:
                namespace[attr] = block

    return call
