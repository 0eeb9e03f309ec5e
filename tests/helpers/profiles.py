"""The five shipped policy profiles and the regulation file each one cites."""

from __future__ import annotations

PROFILES = ("guangyuan", "guizhou", "guangxi", "meizhou", "puyang")
SEEDS = {
    "guangyuan": "000_27d936bb79493c2c.txt",
    "guizhou": "001_adb4696b923ad92d.txt",
    "guangxi": "002_74be2da07faa6da0.txt",
    "meizhou": "003_de7e966f0e71df8b.txt",
    "puyang": "004_b7797ffbb60d21c4.txt",
}
