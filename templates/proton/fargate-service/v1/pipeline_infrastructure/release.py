"""Rolls every instance of the service to the image the build pushed (the pipeline's Release stage).

For each instance the pipeline was provisioned with, in order: read its current spec from AWS Proton,
set `image` in its entry (every other input stays as it is), redeploy it with that spec at its current
template version, and wait until the deployment has succeeded before the next one, so that a failing
image stops the release at the first instance. Needs PyYAML (installed by the buildspec).

Environment: PROTON_SERVICE (the service's name), PROTON_TARGETS (JSON list of {name, environment}).
"""
import json
import os
import subprocess
import sys

import yaml


def aws(*args):
    return subprocess.check_output(("aws", "proton") + args + ("--output", "json"))


def main():
    with open("image.json") as file:
        image = json.load(file)["image"]
    service = os.environ["PROTON_SERVICE"]
    for target in json.loads(os.environ["PROTON_TARGETS"]):
        name = target["name"]
        current = json.loads(aws("get-service-instance", "--service-name", service, "--name", name))
        spec = yaml.safe_load(current["serviceInstance"]["spec"]) or {}
        entries = [entry for entry in spec.get("instances") or [] if entry.get("name") == name]
        if not entries:
            sys.exit(f"release: the spec of {service}/{name} has no entry for it; update it by hand")
        entries[0].setdefault("spec", {})["image"] = image
        print(f"release: {service}/{name} in {target['environment']} -> {image}", flush=True)
        aws(
            "update-service-instance",
            "--service-name", service,
            "--name", name,
            "--deployment-type", "CURRENT_VERSION",
            "--spec", json.dumps(spec),
        )
        subprocess.check_call(
            ("aws", "proton", "wait", "service-instance-deployed", "--service-name", service, "--name", name)
        )


if __name__ == "__main__":
    main()
