# Copyright: citadel.secrets contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Test-only connection for the molecule scenarios: run in a rootful podman container through nsenter.

The podman driver creates and destroys the instances; Ansible then reaches them with this plugin rather than
containers.podman.podman. That plugin starts a ``podman exec`` (conmon, runc) for every step of every task, about
a third of a second each on a busy two-core machine, and has no pipelining. Entering the container's namespaces
with ``nsenter`` takes milliseconds and passes stdin through, so modules are piped in: one process per task.
Needs root on the controller and rootful podman, as ``make molecule`` has.
"""

from __future__ import annotations

DOCUMENTATION = """
name: podman_nsenter
short_description: Run tasks in a local rootful podman container through nsenter (molecule tests only)
description:
  - Enters the namespaces of the container's first process with nsenter. Supports pipelining.
author:
  - Citadel maintainers (@citadel-secrets)
options:
  remote_addr:
    description: Name or ID of the container.
    default: inventory_hostname
    vars:
      - name: inventory_hostname
      - name: ansible_host
      - name: ansible_podman_host
  podman_executable:
    description: The podman command.
    default: podman
    vars:
      - name: ansible_podman_executable
"""

import shlex
import subprocess

from ansible.errors import AnsibleConnectionFailure, AnsibleError
from ansible.module_utils.common.text.converters import to_bytes, to_text
from ansible.plugins.connection import ConnectionBase

NAMESPACES = ["--mount", "--uts", "--ipc", "--net", "--pid", "--cgroup"]
# What a login shell in the image would have; the controller's environment must not leak into the container.
ENV = ["env", "-i", "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", "HOME=/root",
       "LANG=C.UTF-8", "USER=root", "LOGNAME=root"]


class Connection(ConnectionBase):
    transport = "podman_nsenter"
    has_pipelining = True

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._pid = None

    def _connect(self):
        if self._pid is None:
            name = self.get_option("remote_addr")
            proc = subprocess.run([self.get_option("podman_executable"), "inspect", "--format", "{{.State.Pid}}", name],
                                  capture_output=True, check=False)
            pid = to_text(proc.stdout).strip()
            if proc.returncode != 0 or not pid.isdigit() or pid == "0":
                raise AnsibleConnectionFailure("container %s is not running: %s" % (name, to_text(proc.stderr).strip()))
            self._pid = pid
            self._connected = True
        return self

    def _nsenter(self, argv):
        return ["nsenter", "--target", self._pid] + NAMESPACES + ["--root", "--wd"] + ENV + argv

    def exec_command(self, cmd, in_data=None, sudoable=True):
        super().exec_command(cmd, in_data=in_data, sudoable=sudoable)
        self._connect()
        proc = subprocess.run(self._nsenter(["/bin/sh", "-c", cmd]), input=in_data,
                              stdin=None if in_data is not None else subprocess.DEVNULL,
                              capture_output=True, check=False)
        return proc.returncode, proc.stdout, proc.stderr

    def put_file(self, in_path, out_path):
        super().put_file(in_path, out_path)
        self._connect()
        with open(to_bytes(in_path, errors="surrogate_or_strict"), "rb") as src:
            proc = subprocess.run(self._nsenter(["/bin/sh", "-c", "cat > %s" % shlex.quote(out_path)]), stdin=src,
                                  capture_output=True, check=False)
        if proc.returncode != 0:
            raise AnsibleError("failed to write %s in the container: %s" % (out_path, to_text(proc.stderr)))

    def fetch_file(self, in_path, out_path):
        super().fetch_file(in_path, out_path)
        self._connect()
        with open(to_bytes(out_path, errors="surrogate_or_strict"), "wb") as dst:
            proc = subprocess.run(self._nsenter(["cat", in_path]), stdout=dst, stderr=subprocess.PIPE, check=False)
        if proc.returncode != 0:
            raise AnsibleError("failed to read %s in the container: %s" % (in_path, to_text(proc.stderr)))

    def close(self):
        self._connected = False
        self._pid = None
