# Copyright: citadel.secrets contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Local stand-in for the get-pip.py script that ansible-test bootstraps its virtual environments with.

ansible-test creates every sanity-test venv without pip and then runs get-pip.py, which it downloads from
ci-files.testing.ansible.com and caches as ~/.ansible/test/cache/get_pip_<version>.py. That host is not
reachable from this project's machines (PyPI is), so ``make sanity`` puts this file in the cache instead:

    python scripts/ansible_test_get_pip.py --install-cache

Run by ansible-test (with the arguments get-pip.py takes, e.g. ``--disable-pip-version-check pip==24.2``),
it bootstraps pip from the interpreter's own ensurepip and then installs the requested packages from the
configured package index, which is what get-pip.py does with the pip wheel it embeds.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import types

INSTALL_FLAG = "--install-cache"
CACHE_DIR = os.path.expanduser("~/.ansible/test/cache")


def install_cache() -> int:
    """Copy this script to where ansible-test looks for its cached get-pip script, unless one is there."""
    # pylint: disable-next=import-outside-toplevel
    from ansible_test._internal.python_requirements import get_venv_packages

    version = "%d.%d" % sys.version_info[:2]
    pip_version = get_venv_packages(types.SimpleNamespace(version=version))["pip"]
    target = os.path.join(CACHE_DIR, "get_pip_%s.py" % pip_version.replace(".", "_"))
    if os.path.exists(target):
        return 0
    os.makedirs(CACHE_DIR, exist_ok=True)
    shutil.copyfile(__file__, target)
    print("installed pip %s bootstrap stand-in for ansible-test: %s" % (pip_version, target))
    return 0


def get_pip(args: list[str]) -> int:
    """Behave like get-pip.py: make pip available, then pip install ARGS."""
    # get-pip.py's own flags: pip would reject them, and not installing setuptools/wheel is pip's default.
    pip_args = [arg for arg in args if arg not in ("--no-setuptools", "--no-wheel")]
    subprocess.run([sys.executable, "-m", "ensurepip", "--default-pip"], check=True, stdout=subprocess.DEVNULL)
    return subprocess.run([sys.executable, "-m", "pip", "install", *pip_args], check=False).returncode


def main() -> int:
    """Entry point for both roles of this script."""
    if sys.argv[1:] == [INSTALL_FLAG]:
        return install_cache()
    return get_pip(sys.argv[1:])


if __name__ == "__main__":
    sys.exit(main())
