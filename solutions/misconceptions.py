"""Deliberately WRONG variants of the references, one per common learner mistake, grouped by the building block
they stand in for (mistakes_*.py). Exercise and family files name them as solutions.misconceptions.<variant>."""

from .mistakes_backward import *  # noqa: F401,F403
from .mistakes_conv import *  # noqa: F401,F403
from .mistakes_conv_general import *  # noqa: F401,F403
from .mistakes_global_pool import *  # noqa: F401,F403
from .mistakes_gradcheck import *  # noqa: F401,F403
from .mistakes_network import *  # noqa: F401,F403
from .mistakes_pool import *  # noqa: F401,F403
from .mistakes_receptive import *  # noqa: F401,F403
