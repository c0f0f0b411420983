#!/usr/bin/env bash
# Gradescope runs this once when it builds the autograder image; the repository is unzipped in /autograder/source.
set -euo pipefail
apt-get update && apt-get install -y python3 python3-pip python3-venv
python3 -m pip install /autograder/source
