"""AWS Lambda entry point."""

from skill.runtime.dispatch import Runtime
from skill.runtime.settings import Settings

_runtime = Runtime(Settings.from_env())


def lambda_handler(event, context):
    return _runtime.handle(event)
