"""Every setting fraudtag reads from outside: one table of name, default, type and help, each
also read from its FRAUDTAG_<NAME> environment variable, checked once at start.

An unknown key (a misspelt keyword, or a FRAUDTAG_ variable no setting has) is refused with the
list of known ones, so a typo never falls back silently to a default.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from pipeline.errors import FraudtagError

SEGMENTERS = ("rjieba", "jieba")
DEFAULT_SEGMENTER = "rjieba"


class SettingsError(FraudtagError):
    """A setting is unknown or its value does not parse."""


def _positive_int(value: Any) -> int:
    number = int(value)
    if number < 1:
        raise ValueError(f"{value!r} is not a whole number of 1 or more")
    return number


def _positive_seconds(value: Any) -> float:
    seconds = float(value)
    if not seconds > 0:
        raise ValueError(f"{value!r} is not a number of seconds over 0")
    return seconds


def _segmenter(value: Any) -> str:
    if value not in SEGMENTERS:
        raise ValueError(f"{value!r} is not one of {', '.join(SEGMENTERS)}")
    return value


@dataclass(frozen=True)
class Setting:
    name: str
    default: Any
    parse: Callable[[Any], Any]
    help: str

    @property
    def env(self) -> str:
        return f"FRAUDTAG_{self.name.upper()}"


SETTINGS = (
    Setting("model", "", str, "model directory (empty: the model shipped with fraudtag)"),
    Setting("segmenter", DEFAULT_SEGMENTER, _segmenter,
            "Chinese segmenter: rjieba (jieba's algorithm in Rust) or jieba"),
    Setting("shared", "", str, "folder of the evaluation sets, devsets/ and datasets/ "
            "(empty: ../shared beside the repository)"),
    Setting("max_file_bytes", 256 * 1024 * 1024, _positive_int,
            "largest input file read (an error record beyond: split the file)"),
    Setting("cluster_window", 10_000, _positive_int,
            "repost clusters: distinct variants kept to match new posts against (memory: "
            "about 4 KB each)"),
    Setting("token", "", str, "HTTP service: bearer token required on /v1/classify (empty: none)"),
    Setting("max_body_bytes", 1_000_000, _positive_int,
            "HTTP service: largest request body accepted (413 beyond)"),
    Setting("max_documents", 256, _positive_int,
            "HTTP service: most documents in one request (413 beyond)"),
    Setting("timeout_head", 10.0, _positive_seconds,
            "HTTP service: seconds a client has to send a request's line and headers (the "
            "connection is closed beyond)"),
    Setting("timeout_body", 30.0, _positive_seconds,
            "HTTP service: seconds a client has to send a request's body (408 beyond)"),
    Setting("timeout_keep_alive", 5.0, _positive_seconds,
            "HTTP service: seconds an idle keep-alive connection is held open"),
)
BY_NAME = {setting.name: setting for setting in SETTINGS}


def resolve(overrides: Mapping[str, Any] | None = None,
            environ: Mapping[str, str] | None = None) -> dict[str, Any]:
    """Every setting's value: `overrides` (None values ignored), else its environment variable,
    else its default. SettingsError on an unknown name or a value that does not parse."""
    environ = os.environ if environ is None else environ
    overrides = {k: v for k, v in (overrides or {}).items() if v is not None}
    known = ", ".join(BY_NAME)
    for name in overrides:
        if name not in BY_NAME:
            raise SettingsError(f"unknown setting {name!r}; the settings are: {known}")
    envs = {setting.env for setting in SETTINGS}
    for variable in environ:
        if variable.startswith("FRAUDTAG_") and variable not in envs:
            raise SettingsError(f"unknown environment variable {variable}; fraudtag reads "
                                f"{', '.join(sorted(envs))}")
    values = {}
    for setting in SETTINGS:
        if setting.name in overrides:
            raw, origin = overrides[setting.name], setting.name
        elif setting.env in environ:
            raw, origin = environ[setting.env], setting.env
        else:
            values[setting.name] = setting.default
            continue
        try:
            values[setting.name] = setting.parse(raw)
        except (TypeError, ValueError) as e:
            raise SettingsError(f"{origin}={raw!r}: {e}; {setting.help}") from None
    return values


def environment_help() -> str:
    """The environment variables, one a line, for --help and the README."""
    return "environment variables:\n" + "\n".join(
        f"  {setting.env:<25} {setting.help}"
        + (f" (default {setting.default})" if setting.default != "" else "")
        for setting in SETTINGS)
