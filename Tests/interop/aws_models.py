"""Validates AWS API responses and requests against botocore's service models.

A response passes only if every member it carries is one the model's output shape declares (no
invented fields), every member the model marks required is present, and every value has the shape's
type and meets its enum, pattern, and length or range limits. Requests are checked with botocore's own
parameter validator.
"""
import datetime
import regex as re  # botocore patterns use \p{L}-style classes, which the standard re lacks

import botocore.session
import botocore.validate

_session = botocore.session.get_session()
_models = {}


def model(service):
    if service not in _models:
        _models[service] = _session.get_service_model(service)
    return _models[service]


def operation(service, name):
    return model(service).operation_model(name)


def check_response(service, op, body):
    """Problems with a response body, as 'path: problem' strings; empty when it conforms."""
    shape = operation(service, op).output_shape
    problems = []
    if shape is None:
        if body not in ({}, None):
            problems.append("$: the operation has no output, got a body")
        return problems
    _check(shape, body, "$", problems)
    return problems


def check_request(service, op, params):
    shape = operation(service, op).input_shape
    if shape is None:
        return [] if not params else ["$: the operation takes no input"]
    report = botocore.validate.ParamValidator().validate(params, shape)
    return [report.generate_report()] if report.has_errors() else []


def _check(shape, value, path, problems):
    t = shape.type_name
    if t == "structure":
        if not isinstance(value, dict):
            problems.append(f"{path}: expected an object for {shape.name}")
            return
        members = shape.members
        wire = {m.serialization.get("name", name): (name, m) for name, m in members.items()}
        for key in value:
            if key not in wire:
                problems.append(f"{path}.{key}: not a member of {shape.name}")
        for required in shape.required_members:
            key = members[required].serialization.get("name", required)
            if key not in value:
                problems.append(f"{path}: required member {key} of {shape.name} is missing")
        for key, v in value.items():
            if key in wire:
                _check(wire[key][1], v, f"{path}.{key}", problems)
    elif t == "list":
        if not isinstance(value, list):
            problems.append(f"{path}: expected a list")
            return
        _limits(shape, len(value), path, problems, "items")
        for i, item in enumerate(value):
            _check(shape.member, item, f"{path}[{i}]", problems)
    elif t == "map":
        if not isinstance(value, dict):
            problems.append(f"{path}: expected a map")
            return
        for k, v in value.items():
            _check(shape.key, k, f"{path}<key>", problems)
            _check(shape.value, v, f"{path}.{k}", problems)
    elif t == "string":
        if not isinstance(value, str):
            problems.append(f"{path}: expected a string")
            return
        enum = shape.metadata.get("enum")
        if enum and value not in enum:
            problems.append(f"{path}: {value!r} is not one of {enum}")
        pattern = shape.metadata.get("pattern")
        # Smithy patterns are ECMA-262 regexes, not anchored unless they say so.
        if pattern and re.search(pattern, value) is None:
            problems.append(f"{path}: {value!r} does not match {pattern}")
        _limits(shape, len(value), path, problems, "characters")
    elif t in ("integer", "long"):
        if isinstance(value, bool) or not isinstance(value, int):
            problems.append(f"{path}: expected an integer")
            return
        _limits(shape, value, path, problems, "")
    elif t in ("double", "float"):
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            problems.append(f"{path}: expected a number")
    elif t == "boolean":
        if not isinstance(value, bool):
            problems.append(f"{path}: expected a boolean")
    elif t == "timestamp":
        # JSON protocols carry epoch seconds.
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            problems.append(f"{path}: expected epoch seconds")
        else:
            datetime.datetime.fromtimestamp(value, datetime.timezone.utc)
    elif t == "blob":
        if not isinstance(value, str):
            problems.append(f"{path}: expected base64 text")


def _limits(shape, n, path, problems, unit):
    lo, hi = shape.metadata.get("min"), shape.metadata.get("max")
    if lo is not None and n < lo:
        problems.append(f"{path}: {n} {unit} is below the minimum {lo}".replace("  ", " "))
    if hi is not None and n > hi:
        problems.append(f"{path}: {n} {unit} is above the maximum {hi}".replace("  ", " "))
