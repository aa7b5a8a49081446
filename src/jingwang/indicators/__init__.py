"""Indicators: kinds, canonical forms, validation, de-obfuscation and extraction from text."""

from jingwang.indicators.canonical import InvalidIndicator, canonicalize, is_valid
from jingwang.indicators.extract import Extracted, extract_indicators, extract_values
from jingwang.indicators.kinds import KINDS, PII_KINDS, IndicatorKind

__all__ = [
    "KINDS",
    "PII_KINDS",
    "Extracted",
    "IndicatorKind",
    "InvalidIndicator",
    "canonicalize",
    "extract_indicators",
    "extract_values",
    "is_valid",
]
