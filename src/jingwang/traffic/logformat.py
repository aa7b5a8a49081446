"""Log formats: an nginx `log_format` or an Apache `LogFormat` line compiled into one regex.

`LogFormat.parse("$remote_addr - $remote_user [$time_local] \"$request\" ...")` turns each
variable into a named group (RE2 syntax, so Arrow's vectorised `extract_regex` runs it) and every
other character into itself.  A variable inside double quotes matches anything but a quote, one
outside matches a run of non-spaces; the regex is anchored at the start only, so a line with
more fields than the format (nginx `combined` followed by `$request_time`) still matches.

Presets: `combined` and `common` (the same in nginx and Apache), `jingwang` (combined plus
`$request_time "$http_x_forwarded_for"`, the simulator's) and `json` (JSON lines, one object a
line, keys named as nginx variables or as the common aliases in `JSON_ALIASES`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

PRESETS = {
    "combined": '$remote_addr - $remote_user [$time_local] "$request" $status $body_bytes_sent '
                '"$http_referer" "$http_user_agent"',
    "common": '$remote_addr - $remote_user [$time_local] "$request" $status $body_bytes_sent',
    "jingwang": '$remote_addr - $remote_user [$time_local] "$request" $status $body_bytes_sent '
                '"$http_referer" "$http_user_agent" $request_time "$http_x_forwarded_for"',
}
# Apache LogFormat directives and the nginx variable each one is.
APACHE = {
    "%h": "$remote_addr", "%a": "$remote_addr", "%l": "$remote_ident", "%u": "$remote_user",
    "%t": "[$time_local]", "%r": "$request", "%>s": "$status", "%s": "$status",
    "%b": "$body_bytes_sent", "%B": "$body_bytes_sent", "%D": "$request_time_us",
    "%T": "$request_time", "%{Referer}i": "$http_referer", "%{User-Agent}i": "$http_user_agent",
    "%{X-Forwarded-For}i": "$http_x_forwarded_for", "%{Cookie}i": "$http_cookie",
}
_APACHE_TOKEN = re.compile(r"%\{([^}]+)\}([iCo])|%>?[a-zA-Z]")
# What a variable's value looks like when it is not inside quotes.
_UNQUOTED = {"time_local": r"[^\]]+", "status": r"\d{3}", "msec": r"[0-9.]+",
             "request": r"[A-Z]+ \S+(?: HTTP/[0-9.]+)?"}
# JSON keys read as nginx variables.
JSON_ALIASES = {
    "ip": "remote_addr", "client_ip": "remote_addr", "remote_ip": "remote_addr",
    "time": "time_iso8601", "timestamp": "time_iso8601", "@timestamp": "time_iso8601",
    "method": "request_method", "uri": "request_uri", "url": "request_uri", "path": "uri",
    "user_agent": "http_user_agent", "ua": "http_user_agent", "referer": "http_referer",
    "referrer": "http_referer", "bytes": "body_bytes_sent", "x_forwarded_for":
    "http_x_forwarded_for", "cookie": "http_cookie",
}


class FormatError(ValueError):
    """A log format this module cannot compile."""


@dataclass(frozen=True)
class LogFormat:
    name: str
    template: str            # nginx-style, `$variables`; empty for JSON lines
    regex: str               # RE2 with one named group per variable
    variables: tuple[str, ...]

    @property
    def is_json(self) -> bool:
        return self.name == "json"

    @classmethod
    def preset(cls, name: str) -> LogFormat:
        if name == "json":
            return cls("json", "", "", ())
        if name not in PRESETS:
            raise FormatError(f"unknown log format {name!r}; presets: "
                              f"{', '.join([*PRESETS, 'json'])}, or give a log_format line")
        return cls.parse(PRESETS[name], name)

    @classmethod
    def parse(cls, text: str, name: str = "custom") -> LogFormat:
        """Compile an nginx `log_format` (the whole directive or its quoted format) or an Apache
        `LogFormat` string."""
        template = _unwrap(text.strip())
        if "%" in template and "$" not in template:
            template = _apache_to_nginx(template)
        parts = re.split(r"\$(\w+)", template)
        if len(parts) < 2:
            raise FormatError(f"log format {text!r} names no $variable")
        out, names = ["^"], []
        for i, part in enumerate(parts):
            if i % 2 == 0:
                out.append(re.escape(part))
                continue
            if part in names:
                raise FormatError(f"log format names ${part} twice")
            quoted = parts[i - 1].endswith('"')
            pattern = r'[^"]*' if quoted else _UNQUOTED.get(part, r"\S*")
            out.append(f"(?P<{part}>{pattern})")
            names.append(part)
        if "remote_addr" not in names:
            raise FormatError("log format has no client address ($remote_addr or %h)")
        if not {"time_local", "time_iso8601", "msec"} & set(names):
            raise FormatError("log format has no time ($time_local, $time_iso8601 or $msec)")
        return cls(name, template, "".join(out), tuple(names))


def _unwrap(text: str) -> str:
    """The format itself from `log_format name '...' '...';` or `LogFormat "..." name`."""
    if text.startswith("log_format"):
        pieces = re.findall(r"'((?:[^'\\]|\\.)*)'", text)
        if not pieces:
            raise FormatError(f"no quoted format in {text!r}")
        return "".join(pieces)
    if text.startswith("LogFormat"):
        m = re.match(r'LogFormat\s+"((?:[^"\\]|\\.)*)"', text)
        if not m:
            raise FormatError(f"no quoted format in {text!r}")
        return m.group(1).replace('\\"', '"')
    return text


def _apache_to_nginx(template: str) -> str:
    def one(m: re.Match[str]) -> str:
        token = m.group(0)
        if token in APACHE:
            return APACHE[token]
        if m.group(1):
            name = m.group(1).lower().replace("-", "_")
            return {"i": f"$http_{name}", "C": f"$cookie_{name}", "o": f"$sent_http_{name}"}[
                m.group(2)]
        raise FormatError(f"Apache directive {token} is not supported")
    return _APACHE_TOKEN.sub(one, template)


def detect(sample: list[str]) -> LogFormat:
    """The preset that parses most of `sample` (lines): JSON, jingwang, combined or common."""
    lines = [s for s in sample if s.strip()]
    if not lines:
        return LogFormat.preset("combined")
    if sum(s.lstrip().startswith("{") for s in lines) >= len(lines) / 2:
        return LogFormat.preset("json")
    best, hits = LogFormat.preset("combined"), -1
    for name in ("jingwang", "combined", "common"):
        fmt = LogFormat.preset(name)
        regex = re.compile(fmt.regex + r"\s*$")
        n = sum(bool(regex.match(s)) for s in lines)
        if n > hits:
            best, hits = fmt, n
    return best
