"""Out-of-band AWS calls for the aws_* targets: boto3 straight against the test endpoint, independent of the
collection. ``aws_call.py SERVICE METHOD [JSON_KWARGS] [--region REGION]`` prints the answer as JSON (an error
prints ``{"Error": {"Code": ..., "Message": ...}}`` and exits 0, so a playbook can assert on it).
``aws_call.py rotation-lambda NAME`` registers a Lambda function (moto runs none) and prints its ARN.

Its output can contain secret values: tasks that run it for a value must use ``no_log: true``.
"""

from __future__ import annotations

import base64
import io
import json
import sys
import zipfile

import boto3
from botocore.exceptions import ClientError


def rotation_lambda(name):
    iam = boto3.client("iam")
    try:
        role = iam.get_role(RoleName=name)["Role"]["Arn"]
    except ClientError:
        role = iam.create_role(RoleName=name, AssumeRolePolicyDocument=json.dumps({
            "Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole",
                                                    "Principal": {"Service": "lambda.amazonaws.com"}}]}))["Role"]["Arn"]
    client = boto3.client("lambda")
    try:
        return client.get_function(FunctionName=name)["Configuration"]["FunctionArn"]
    except ClientError:
        code = io.BytesIO()
        with zipfile.ZipFile(code, "w") as archive:
            archive.writestr("index.py", "def handler(event, context):\n    return {}\n")
        return client.create_function(FunctionName=name, Runtime="python3.11", Role=role, Handler="index.handler",
                                      Code={"ZipFile": code.getvalue()})["FunctionArn"]


def main(argv):
    region = None
    if "--region" in argv:
        index = argv.index("--region")
        region = argv[index + 1]
        del argv[index:index + 2]
    if argv[0] == "rotation-lambda":
        print(json.dumps({"arn": rotation_lambda(argv[1])}))
        return
    service, method = argv[0], argv[1]
    kwargs = json.loads(argv[2]) if len(argv) > 2 else {}
    try:
        answer = getattr(boto3.client(service, region_name=region), method)(**kwargs)
    except ClientError as exc:
        answer = {"Error": exc.response.get("Error", {})}
    answer.pop("ResponseMetadata", None)
    for key, value in list(answer.items()):
        if isinstance(value, bytes):
            answer[key] = base64.b64encode(value).decode("ascii")
    print(json.dumps(answer, default=str))


if __name__ == "__main__":
    main(sys.argv[1:])
