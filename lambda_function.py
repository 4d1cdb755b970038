"""AWS Lambda entry point."""

from skill.runtime import Runtime

_runtime = Runtime()


def lambda_handler(event, context):
    return _runtime.handle(event)
