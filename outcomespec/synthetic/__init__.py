"""Synthetic national data: SSDA903 and CIN census returns and a school census for every
local authority, calibrated to DfE's published England figures (`generator.generate`)."""

from outcomespec.synthetic.generator import GenerationReport, generate

__all__ = ["GenerationReport", "generate"]
