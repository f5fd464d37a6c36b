"""Cut one month of the panel into practice-level crosstab rows.

``demo`` scale: at most 15 rows per practice-month, laid out so that the practice's appointment
total, mode mix, face-to-face share, DNA and status-Unknown counts and same-day share are exactly the
(rounded) panel values; the GP/other split is exact within the big rows; the booking band of booked
rows, the national category of every row and the HCP type of the smaller rows are drawn per row.

``national`` scale: a multinomial over the full cross HCP type x mode x category x band x status
(6,840 cells) per practice-month, zero cells dropped. A practice records only its top few categories
per mode (plus Unmapped / Inconsistent Mapping face to face), DNAs only face to face and by
telephone: about 200 rows per practice-month (1.2 million a month, 245 MB), close to the real
files' ~160 nationally and ~207 in Devon + Cambridgeshire. Unknown HCP type only with Unknown mode
at this scale (~1.7% instead of ~5%).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from gpaccess.demo.constants import (
    BAND_SAME_DAY,
    BAND_WEIGHTS_ATTENDED,
    BAND_WEIGHTS_DNA,
    BAND_WEIGHTS_HOME_VISIT,
    BAND_WEIGHTS_UNKNOWN_STATUS,
    CAT_INCONSISTENT,
    CAT_UNMAPPED,
    CATEGORY_WEIGHTS_BOOKED,
    CATEGORY_WEIGHTS_HOME_VISIT,
    CATEGORY_WEIGHTS_SAME_DAY,
    HCP_GP,
    HCP_OTHER,
    HCP_TYPES,
    HCP_UNKNOWN,
    MODE_F2F,
    MODE_HOME,
    MODE_TEL,
    MODE_UNKNOWN,
    MODE_VIDEO,
    NATIONAL_CATEGORIES,
    STATUS_ATTENDED,
    STATUS_DNA,
    STATUS_UNKNOWN,
    TIME_BANDS,
)
from gpaccess.demo.panel import Panel

# GP share by mode relative to the practice's GP share (GPs do relatively more of the telephone work).
GP_MODE_FACTOR = np.array([0.85, 1.35, 0.90, 0.50, 1.0])
# How much likelier an attended appointment is to be same-day in each mode than face-to-face.
SAME_DAY_PROPENSITY = np.array([1.0, 2.6, 3.5, 0.0, 0.0])

# Demo row template: (mode, status, same_day, hcp); hcp -1 = drawn per row.
_D = -1
DEMO_TEMPLATE = (
    (MODE_F2F, STATUS_ATTENDED, True, HCP_GP),  # 0
    (MODE_F2F, STATUS_ATTENDED, True, HCP_OTHER),  # 1
    (MODE_F2F, STATUS_ATTENDED, False, HCP_GP),  # 2
    (MODE_F2F, STATUS_ATTENDED, False, HCP_OTHER),  # 3
    (MODE_F2F, STATUS_ATTENDED, False, HCP_UNKNOWN),  # 4
    (MODE_F2F, STATUS_DNA, False, _D),  # 5
    (MODE_F2F, STATUS_UNKNOWN, False, _D),  # 6
    (MODE_TEL, STATUS_ATTENDED, True, HCP_GP),  # 7
    (MODE_TEL, STATUS_ATTENDED, True, HCP_OTHER),  # 8
    (MODE_TEL, STATUS_ATTENDED, False, HCP_GP),  # 9
    (MODE_TEL, STATUS_ATTENDED, False, HCP_OTHER),  # 10
    (MODE_VIDEO, STATUS_ATTENDED, True, _D),  # 11
    (MODE_VIDEO, STATUS_ATTENDED, False, _D),  # 12
    (MODE_HOME, STATUS_ATTENDED, False, _D),  # 13
    (MODE_UNKNOWN, STATUS_ATTENDED, False, _D),  # 14
)
_T_MODE = np.array([t[0] for t in DEMO_TEMPLATE])
_T_STATUS = np.array([t[1] for t in DEMO_TEMPLATE])
_T_SAME_DAY = np.array([t[2] for t in DEMO_TEMPLATE])
_T_HCP = np.array([t[3] for t in DEMO_TEMPLATE])


@dataclass
class MonthRows:
    """One month of crosstab rows as parallel arrays (indices into the constants' value sets)."""

    practice: np.ndarray  # row of the practices frame
    hcp: np.ndarray
    mode: np.ndarray
    category: np.ndarray
    band: np.ndarray
    status: np.ndarray
    count: np.ndarray

    def __len__(self) -> int:
        return len(self.count)


def _round_shares(total: np.ndarray, shares: np.ndarray) -> np.ndarray:
    """Largest-remainder rounding of total * shares (rows sum exactly to total)."""
    shares = np.clip(shares, 0.0, None)
    shares = shares / np.where(
        shares.sum(axis=1, keepdims=True) > 0, shares.sum(axis=1, keepdims=True), 1
    )
    raw = shares * total[:, None]
    counts = np.floor(raw).astype(np.int64)
    missing = total - counts.sum(axis=1)
    order = np.argsort(-(raw - counts), axis=1, kind="stable")
    ranks = np.argsort(order, axis=1, kind="stable")
    counts += ranks < missing[:, None]
    return counts


def _cumulative(weights: tuple[float, ...] | np.ndarray) -> np.ndarray:
    w = np.asarray(weights, dtype=float)
    return np.cumsum(w / w.sum())


def _draw(cum: np.ndarray, u: np.ndarray) -> np.ndarray:
    """Categorical draw: cum is (k,) or (..., k) cumulative probabilities broadcast against u."""
    return np.minimum((u[..., None] > cum).sum(axis=-1), cum.shape[-1] - 1)


def _month_shares(panel: Panel, col: int) -> dict[str, np.ndarray]:
    return {
        name: getattr(panel, name)[:, col]
        for name in (
            "expected", "f2f", "tel", "video", "home", "unknown_mode", "dna", "status_unknown",
            "same_day", "gp", "hcp_unknown", "unmapped",
        )
    }  # fmt: skip


def demo_counts(panel: Panel, col: int) -> np.ndarray:
    """Counts of the 15 template rows for every practice (practices x 15)."""
    s = _month_shares(panel, col)
    total = np.rint(s["expected"]).astype(np.int64)
    modes = _round_shares(
        total, np.stack([s["f2f"], s["tel"], s["video"], s["home"], s["unknown_mode"]], axis=1)
    )
    f2f, tel, video = modes[:, MODE_F2F], modes[:, MODE_TEL], modes[:, MODE_VIDEO]
    dna = np.minimum(np.rint(s["dna"] * total).astype(np.int64), f2f)
    unknown = np.minimum(np.rint(s["status_unknown"] * total).astype(np.int64), f2f - dna)
    att_f2f = f2f - dna - unknown
    same_day = np.rint(s["same_day"] * total).astype(np.int64)
    weight = np.stack([att_f2f, tel, video], axis=1) * SAME_DAY_PROPENSITY[:3]
    split = _round_shares(same_day, weight)
    sd_video = np.minimum(split[:, 2], video)
    sd_tel = np.minimum(split[:, 1], tel)
    sd_f2f = np.minimum(same_day - sd_video - sd_tel, att_f2f)
    short = same_day - sd_video - sd_tel - sd_f2f  # only when face-to-face cannot take its part
    sd_tel = np.minimum(sd_tel + short, tel)
    booked_f2f = att_f2f - sd_f2f
    booked_tel = tel - sd_tel
    g_f2f = np.clip(s["gp"] * GP_MODE_FACTOR[MODE_F2F], 0.0, 0.97)
    g_tel = np.clip(s["gp"] * GP_MODE_FACTOR[MODE_TEL], 0.0, 0.97)
    unknown_hcp = np.rint(s["hcp_unknown"] * booked_f2f).astype(np.int64)
    sd_f2f_gp = np.rint(g_f2f * sd_f2f).astype(np.int64)
    bk_f2f_gp = np.rint(g_f2f * (booked_f2f - unknown_hcp)).astype(np.int64)
    sd_tel_gp = np.rint(g_tel * sd_tel).astype(np.int64)
    bk_tel_gp = np.rint(g_tel * booked_tel).astype(np.int64)
    counts = np.stack(
        [
            sd_f2f_gp,
            sd_f2f - sd_f2f_gp,
            bk_f2f_gp,
            booked_f2f - unknown_hcp - bk_f2f_gp,
            unknown_hcp,
            dna,
            unknown,
            sd_tel_gp,
            sd_tel - sd_tel_gp,
            bk_tel_gp,
            booked_tel - bk_tel_gp,
            sd_video,
            video - sd_video,
            modes[:, MODE_HOME],
            modes[:, MODE_UNKNOWN],
        ],
        axis=1,
    )
    counts[~panel.is_open[:, col]] = 0
    return counts


def demo_rows(panel: Panel, col: int, seed: int, keep: np.ndarray | None = None) -> MonthRows:
    """Demo-scale rows of one month; ``keep`` (bool per practice) limits the practices written.

    Draws come from a stream of their own for the calendar month and are made for every practice
    before filtering, so a practice's rows do not depend on which others are written.
    """
    month = int(panel.months[col])
    rng = np.random.default_rng([seed, 31, month])
    counts = demo_counts(panel, col)
    n, k = counts.shape
    u_band, u_cat, u_unm, u_hcp = (rng.random((n, k)) for _ in range(4))

    band_cum = np.stack(
        [
            _cumulative(BAND_WEIGHTS_ATTENDED),
            _cumulative(BAND_WEIGHTS_DNA),
            _cumulative(BAND_WEIGHTS_UNKNOWN_STATUS),
            _cumulative(BAND_WEIGHTS_HOME_VISIT),
        ]
    )
    band_kind = np.where(_T_STATUS == STATUS_DNA, 1, np.where(_T_STATUS == STATUS_UNKNOWN, 2, 0))
    band_kind = np.where(_T_MODE == MODE_HOME, 3, band_kind)
    band = 1 + _draw(band_cum[band_kind][None, :, :], u_band)
    band = np.where(_T_SAME_DAY[None, :], BAND_SAME_DAY, band)

    cat_cum = np.stack(
        [
            _cumulative(CATEGORY_WEIGHTS_SAME_DAY),
            _cumulative(CATEGORY_WEIGHTS_BOOKED),
            _cumulative(CATEGORY_WEIGHTS_HOME_VISIT),
        ]
    )
    cat_kind = np.where(_T_MODE == MODE_HOME, 2, np.where(_T_SAME_DAY, 0, 1))
    category = _draw(cat_cum[cat_kind][None, :, :], u_cat)
    col_unm = panel.unmapped[:, col][:, None]
    is_unm = u_unm < col_unm
    inconsistent = u_unm < col_unm * panel.inconsistent_fraction[:, None]
    category = np.where(is_unm, np.where(inconsistent, CAT_INCONSISTENT, CAT_UNMAPPED), category)

    gp = np.clip(panel.gp[:, col][:, None] * GP_MODE_FACTOR[_T_MODE][None, :], 0.0, 0.97)
    p_unknown = np.where(_T_MODE == MODE_UNKNOWN, 0.85, 0.02)[None, :]
    gp = np.where(_T_MODE == MODE_UNKNOWN, 0.07, gp)
    drawn = np.where(u_hcp < gp, HCP_GP, np.where(u_hcp < gp + p_unknown, HCP_UNKNOWN, HCP_OTHER))
    hcp = np.where(_T_HCP[None, :] >= 0, _T_HCP[None, :], drawn)

    mask = counts > 0
    if keep is not None:
        mask &= keep[:, None]
    practice = np.broadcast_to(np.arange(n)[:, None], (n, k))
    return MonthRows(
        practice=practice[mask],
        hcp=hcp[mask],
        mode=np.broadcast_to(_T_MODE, (n, k))[mask],
        category=category[mask],
        band=band[mask],
        status=np.broadcast_to(_T_STATUS, (n, k))[mask],
        count=counts[mask],
    )


# --- national scale ----------------------------------------------------------------------------
N_HCP, N_MODE, N_CAT, N_BAND, N_STATUS = (
    len(HCP_TYPES), 5, len(NATIONAL_CATEGORIES), len(TIME_BANDS), 3,
)  # fmt: skip
DNA_MODE_SPLIT = np.array([0.9, 0.1, 0.0, 0.0, 0.0])
# status Unknown relative to the mode's volume
UNKNOWN_STATUS_BY_MODE = np.array([1.15, 0.8, 0.0, 0.0, 0.0])
SAME_DAY_OF_DNA, SAME_DAY_OF_UNKNOWN = 0.10, 0.12
CATEGORIES_PER_MODE = np.array([3, 2, 1, 1, 1])
# Which of the 17 mapped categories are recorded with each mode (1) or not (0); home visits use their
# own table.
CATEGORIES_BY_MODE = np.array(
    [
        [1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1],  # face-to-face
        [1, 1, 1, 1, 0, 1, 1, 0, 1, 0, 1, 1, 0, 0, 0, 1, 0],  # telephone
        [1, 1, 1, 0, 0, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0],  # video / online
        [0, 0, 0, 0, 0, 0, 0, 1, 0, 1, 0, 0, 1, 1, 0, 0, 0],  # home visit (unused)
        [1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0],  # unknown
    ],
    dtype=float,
)


def _national_probabilities(panel: Panel, col: int, rows: np.ndarray) -> np.ndarray:
    """Cell probabilities (practices x hcp x mode x category x band x status) for some practices."""
    s = {k: v[rows] for k, v in _month_shares(panel, col).items()}
    c = len(rows)
    mode = np.stack([s["f2f"], s["tel"], s["video"], s["home"], s["unknown_mode"]], axis=1)
    # status | mode
    dna = np.minimum(s["dna"][:, None] * DNA_MODE_SPLIT[None, :], mode * 0.5)
    unknown = np.minimum(s["status_unknown"][:, None] * mode * UNKNOWN_STATUS_BY_MODE, mode * 0.5)
    attended = mode - dna - unknown
    # same-day share of attended by mode, from the practice's same-day share
    weight = attended * SAME_DAY_PROPENSITY[None, :]
    scale = s["same_day"] / np.maximum(weight.sum(axis=1), 1e-9)
    sd_att = np.clip(scale[:, None] * SAME_DAY_PROPENSITY[None, :], 0.0, 0.95)
    sd_att[:, MODE_HOME] = 0.45
    sd_att[:, MODE_UNKNOWN] = 0.55
    band = np.zeros((c, N_MODE, N_BAND, N_STATUS))
    later = {
        STATUS_ATTENDED: np.asarray(BAND_WEIGHTS_ATTENDED) / sum(BAND_WEIGHTS_ATTENDED),
        STATUS_DNA: np.asarray(BAND_WEIGHTS_DNA) / sum(BAND_WEIGHTS_DNA),
        STATUS_UNKNOWN: np.asarray(BAND_WEIGHTS_UNKNOWN_STATUS) / sum(BAND_WEIGHTS_UNKNOWN_STATUS),
    }
    hv_later = np.asarray(BAND_WEIGHTS_HOME_VISIT) / sum(BAND_WEIGHTS_HOME_VISIT)
    for status, mass, same in (
        (STATUS_ATTENDED, attended, sd_att),
        (STATUS_DNA, dna, np.full((c, N_MODE), SAME_DAY_OF_DNA)),
        (STATUS_UNKNOWN, unknown, np.full((c, N_MODE), SAME_DAY_OF_UNKNOWN)),
    ):
        band[:, :, 0, status] = mass * same
        rest = mass * (1.0 - same)
        band[:, :, 1:, status] = rest[:, :, None] * later[status][None, None, :]
        band[:, MODE_HOME, 1:, status] = rest[:, MODE_HOME, None] * hv_later[None, :]
    # hcp | mode (Unknown HCP type only with Unknown mode at this scale)
    gp = np.clip(s["gp"][:, None] * GP_MODE_FACTOR[None, :], 0.0, 0.97)
    p_unk = np.zeros((c, N_MODE))
    p_unk[:, MODE_UNKNOWN] = 0.85
    gp[:, MODE_UNKNOWN] = 0.07
    hcp = np.stack([gp * (1 - p_unk), (1 - gp) * (1 - p_unk), p_unk], axis=1)  # c x hcp x mode
    # category | mode, same day or not: the mode's table x the practice's own category weights
    base = np.stack(
        [np.asarray(CATEGORY_WEIGHTS_SAME_DAY), np.asarray(CATEGORY_WEIGHTS_BOOKED)]
    )  # 2 x 17
    by_mode = np.broadcast_to(base, (N_MODE, 2, base.shape[1])) * CATEGORIES_BY_MODE[:, None, :]
    by_mode[MODE_HOME] = np.asarray(CATEGORY_WEIGHTS_HOME_VISIT)[None, :]
    mapped = by_mode[None, :, :, :] * panel.category_mask[rows][:, :, None, :]
    fallback = by_mode[None, :, :, :] * (mapped.sum(axis=3, keepdims=True) == 0)
    mapped = (
        mapped + fallback
    )  # a practice without any of a mode's categories uses the mode's table
    mapped /= np.maximum(mapped.sum(axis=3, keepdims=True), 1e-12)
    unm = s["unmapped"][:, None, None, None]
    inc = panel.inconsistent_fraction[rows][:, None, None, None]
    shape = (c, N_MODE, 2, 1)
    cats = np.concatenate(
        [
            mapped * (1 - unm),
            np.broadcast_to(unm * (1 - inc), shape),
            np.broadcast_to(unm * inc, shape),
        ],
        axis=3,
    )  # c x mode x (same day, booked) x category
    # a practice records only its top few categories per mode (real practices: ~24 HCP x mode x
    # category combinations a month)
    score = cats.sum(axis=2)
    rank = np.argsort(np.argsort(-score, axis=2, kind="stable"), axis=2, kind="stable")
    top = rank < CATEGORIES_PER_MODE[None, :, None]
    top[:, MODE_F2F, [CAT_UNMAPPED, CAT_INCONSISTENT]] = True  # kept so their share stays a few %
    kept = cats * top[:, :, None, :]
    empty = kept.sum(axis=3, keepdims=True) <= 0
    kept = np.where(empty, cats * (rank == 0)[:, :, None, :], kept)
    cats = kept / np.maximum(kept.sum(axis=3, keepdims=True), 1e-12)
    cat = np.empty((c, N_MODE, N_CAT, N_BAND))
    cat[:, :, :, 0] = cats[:, :, 0, :]
    cat[:, :, :, 1:] = cats[:, :, 1, :, None]
    p = hcp[:, :, :, None, None, None] * cat[:, None, :, :, :, None] * band[:, None, :, None, :, :]
    p = np.clip(p, 0.0, None)
    return p.reshape(c, -1) / np.maximum(p.reshape(c, -1).sum(axis=1, keepdims=True), 1e-12)


def national_rows(
    panel: Panel, col: int, seed: int, keep: np.ndarray | None = None, chunk: int = 256
) -> MonthRows:
    """National-scale rows of one month (about 160 per practice)."""
    month = int(panel.months[col])
    rng = np.random.default_rng([seed, 37, month])
    total = np.rint(panel.expected[:, col]).astype(np.int64)
    total[~panel.is_open[:, col]] = 0
    chosen = np.flatnonzero((total > 0) & (keep if keep is not None else True))
    parts: list[tuple[np.ndarray, np.ndarray, np.ndarray]] = []
    for start in range(0, len(chosen), chunk):
        rows = chosen[start : start + chunk]
        probs = _national_probabilities(panel, col, rows)
        counts = rng.multinomial(total[rows], probs)
        r, cell = np.nonzero(counts)
        parts.append((rows[r], cell, counts[r, cell]))
    practice = np.concatenate([p[0] for p in parts]) if parts else np.empty(0, np.int64)
    cell = np.concatenate([p[1] for p in parts]) if parts else np.empty(0, np.int64)
    count = np.concatenate([p[2] for p in parts]) if parts else np.empty(0, np.int64)
    hcp, mode, category, band, status = np.unravel_index(
        cell, (N_HCP, N_MODE, N_CAT, N_BAND, N_STATUS)
    )
    return MonthRows(practice, hcp, mode, category, band, status, count)
