"""Bulletins (通报): a period's ranking, scores, figures, hot spots and charts as XLSX and PDF."""
