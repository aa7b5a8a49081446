"""Traffic: access logs → scalper bots, fake crawlers and DDoS floods, each with its reasons.

`scan_logs` reads nginx/Apache/JSON logs (`read`, `logformat`), finds the slot releases
(`releases`), sums every address, account, session and device up (`features`), finds the floods
(`ddos`), and judges each client (`score`); `watch` does the same live, line by line.
"""

from jingwang.traffic.logformat import FormatError, LogFormat
from jingwang.traffic.read import IdSpec, LogReader, ParseReport
from jingwang.traffic.scan import CLIENTS_SCHEMA, Scan, ScanOptions, scan_logs

__all__ = ["CLIENTS_SCHEMA", "FormatError", "IdSpec", "LogFormat", "LogReader", "ParseReport",
           "Scan", "ScanOptions", "scan_logs"]
