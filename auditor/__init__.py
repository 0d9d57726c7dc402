"""auditor: rule-based consistency auditor for department budget and final-accounts disclosures."""

__version__ = "0.1.0"
