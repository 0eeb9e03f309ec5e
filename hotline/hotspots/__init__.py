"""Hot-spot early warning (热点预警): demands concentrating by category, district and topic.

Public: `detect(session, runtime, now)` (the daily job), `warnings_in(session, start, end)`
(plain data for the bulletin), `find(session, rules, now)` (clusters, nothing written).
"""

from hotline.hotspots.reading import warnings_in
from hotline.hotspots.warnings import detect, find

__all__ = ["detect", "find", "warnings_in"]
