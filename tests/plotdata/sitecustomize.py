"""Records the data every saved matplotlib figure draws, for tests/test_copy_paste.py's floors check.

On ``PYTHONPATH`` with ``LSTMGRAD_PLOT_DATA=<file>`` set, this wraps ``Figure.savefig``: before each
save it appends one JSON line to the file with, per axes, its scales and labels, the legend's
texts, and every line, collection, patch and image as numbers to nine significant digits. Two
matplotlib versions that draw the same data write the same lines, whatever SVG they write.
Without the variable it does nothing.
"""

import json
import os

_PATH = os.environ.get("LSTMGRAD_PLOT_DATA")


def _numbers(values):
    import numpy as np

    a = np.ma.filled(np.ma.asarray(values, dtype=float), np.nan).ravel()
    return [f"{v:.8e}" for v in a]


def _axes(ax):
    legend = ax.get_legend()
    return {
        "scale": [ax.get_xscale(), ax.get_yscale()],
        "labels": [ax.get_title(), ax.get_xlabel(), ax.get_ylabel()],
        "legend": [t.get_text() for t in legend.get_texts()] if legend else [],
        "lines": [[ln.get_label(), _numbers(ln.get_xydata())] for ln in ax.get_lines()],
        "collections": [
            [_numbers(c.get_offsets()), _numbers(c.get_array()) if c.get_array() is not None else []]
            for c in ax.collections
        ],
        "patches": [_numbers(p.get_path().transformed(p.get_patch_transform()).vertices) for p in ax.patches],
        "images": [_numbers(im.get_array()) for im in ax.get_images()],
        "texts": [t.get_text() for t in ax.texts],
    }


if _PATH:
    from matplotlib.figure import Figure

    _savefig = Figure.savefig

    def _recording_savefig(self, *args, **kwargs):
        with open(_PATH, "a", encoding="utf-8") as out:
            out.write(json.dumps([_axes(ax) for ax in self.axes]) + "\n")
        return _savefig(self, *args, **kwargs)

    Figure.savefig = _recording_savefig
