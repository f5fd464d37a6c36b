"""Synthetic practices and PCNs placed in the real geography.

Identities are unmistakably fake: practice codes ``DM`` + 4 digits (real ones are a letter and five
digits), PCN codes ``DP`` + 4 digits, names ending in ``(DEMO)`` / ``DEMO PCN``, postcodes ``ZZ99 ...``
(the NHS pseudo-postcode, never a real address).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from gpaccess.demo.constants import (
    CLOSURE_FIRST_MONTH,
    CLOSURE_LAST_MONTH,
    LIST_GROWTH_PER_YEAR,
    LIST_LOG_MEDIAN,
    LIST_LOG_SIGMA,
    LIST_MAX,
    LIST_MIN,
    N_CLOSED_PRACTICES,
    QRV_LATE_CLOSURES,
    REFERENCE_LAST_MONTH,
)
from gpaccess.demo.months import parse_month

NEVER_CLOSES = 10**6  # last_open_month of a practice still open

_PLACE_WORDS = (
    "ALDER", "ASH", "ASPEN", "BEECH", "BIRCH", "BRAMBLE", "BROOK", "CEDAR", "CHERRY", "CHESTNUT",
    "CLOVER", "CROWN", "DAISY", "ELDER", "ELM", "FERN", "FIR", "FOXGLOVE", "HAWTHORN", "HAZEL",
    "HEATHER", "HOLLY", "HONEYSUCKLE", "IVY", "JUNIPER", "KINGFISHER", "LARCH", "LAUREL", "LAVENDER",
    "LILAC", "LIME", "LINDEN", "MAPLE", "MEADOW", "MULBERRY", "OAK", "ORCHID", "OSPREY", "PEAR",
    "PINE", "PLANE", "POPLAR", "PRIMROSE", "QUINCE", "REDWOOD", "ROWAN", "SALLOW", "SORREL",
    "SPRUCE", "SYCAMORE", "TANSY", "THISTLE", "TULIP", "WALNUT", "WILLOW", "WREN", "YEW", "ACORN",
    "BLUEBELL", "BRACKEN", "CLAYPIT", "COPPER", "EASTFOLD", "FALCON", "GORSE", "HARROWBY",
    "KESTREL", "LAPWING", "MARIGOLD", "NETTLE", "OTTERBURN", "PEBBLE", "RAVEN", "SKYLARK",
    "STARLING", "SWALLOW", "TEASEL", "WHEATLEY", "WOODRUFF", "YARROW",
)  # fmt: skip
_STREET_WORDS = (
    "LANE", "ROAD", "HOUSE", "STREET", "PARK", "GREEN", "HILL", "VALE", "FIELDS", "CROSS",
    "BRIDGE", "WAY", "COURT", "GATE", "MEWS", "ROW",
)  # fmt: skip
_KIND_WORDS = (
    "SURGERY", "MEDICAL CENTRE", "HEALTH CENTRE", "MEDICAL PRACTICE", "FAMILY PRACTICE",
    "MEDICAL GROUP", "HEALTHCARE", "PARTNERSHIP",
)  # fmt: skip
_TOWNS = (
    "NORTHTON", "EASTBRIDGE", "WESTLEIGH", "SOUTHBY", "MIDDLEFORD", "HOLMWICK", "ASHBOURNE VALE",
    "BROOKHAM", "CALDERBY", "DUNMERE", "FELLGATE", "GLENWORTH", "HARTSTONE", "KIRKMOOR",
)  # fmt: skip
_PCN_QUALIFIERS = (
    "CENTRAL", "NORTH", "SOUTH", "EAST", "WEST", "RURAL", "VALLEY", "COASTAL", "CITY", "UNITED",
    "HEALTH", "CARE", "ALLIANCE", "NETWORK", "COLLABORATIVE", "PARTNERS",
)  # fmt: skip
_PCN_PLACES = (
    "ABBEYFORD", "BARROWDALE", "CASTLEMERE", "DALTONBY", "ELMSWORTH", "FARNHOLT", "GREYSTOKE",
    "HALLOWAY", "INGLEBROOK", "JARVISTON", "KNIGHTSMOOR", "LANGHOLM", "MARSHWICK", "NEWBOLD",
    "OAKENSHAW", "PENBRIDGE", "QUARRYFORD", "REDHILL", "SANDALWOOD", "THORNBURY", "UPPERTON",
    "VINEHALL", "WATERMEAD", "YARDLEY", "ASHGROVE", "BELLFIELD", "CRANMORE", "DEERPARK",
    "EVERSLEY", "FOXWOOD", "GOLDCREST", "HEATHFIELD", "IRONBRIDGE", "KINGSMEAD", "LOWFIELD",
    "MOORSIDE", "NORTHGATE", "ORCHARDLEIGH", "PIKESLEY", "RIVERSMEET", "STONEYFORD", "TWYFORD",
    "UNDERHILL", "WESTBURY", "WHITECROSS", "BRACKENRIDGE", "CHALKPIT", "DOVECOTE", "EMBERTON",
    "FERNLEIGH", "GRANGEMOOR", "HOLLINS", "KESWORTH", "LINDHURST", "MILLBROOK", "NETHERBY",
    "OLDCASTLE", "PRIORSWOOD", "RUSHMERE", "SALTERSGATE", "TEMPLECOMBE", "WOODHAVEN", "YEWBANK",
    "ALDERMOOR", "BROADWATER", "COLDHARBOUR", "DRAYCOTT", "ELMBRIDGE", "FULWOOD", "GREENSIDE",
    "HIGHFIELD", "KINGSLEY", "LONGMOOR", "MEADOWBANK", "NORTHFIELD", "PARKSIDE", "RIVERSIDE",
    "SOUTHFIELD", "THORNHILL", "WESTFIELD", "BRIARWOOD", "CLAYFIELD", "DENHOLME", "EASTWOOD",
    "FAIRFIELD", "GLENFIELD", "HOLYWELL", "LAKESIDE", "MARSHFIELD",
)  # fmt: skip


def _allocate(total: int, weights: np.ndarray) -> np.ndarray:
    """Largest-remainder split of ``total`` in proportion to ``weights``."""
    share = weights / weights.sum() * total
    counts = np.floor(share).astype(int)
    extra = total - int(counts.sum())
    if extra > 0:
        order = np.argsort(-(share - counts), kind="stable")
        counts[order[:extra]] += 1
    return counts


def _practice_names(n: int, rng: np.random.Generator) -> list[str]:
    """Unique names like ``ALDER LANE SURGERY (DEMO)``; about 1% carry a comma like the real ones."""
    combos = len(_PLACE_WORDS) * len(_STREET_WORDS) * len(_KIND_WORDS)
    picks = rng.choice(combos, size=n, replace=False)
    names = []
    n_street, n_kind = len(_STREET_WORDS), len(_KIND_WORDS)
    for pick in picks.tolist():
        place = _PLACE_WORDS[pick // (n_street * n_kind)]
        street = _STREET_WORDS[pick // n_kind % n_street]
        kind = _KIND_WORDS[pick % n_kind]
        names.append(f"{place} {street} {kind}")
    commas = rng.choice(n, size=max(1, n // 100), replace=False)
    for i in commas.tolist():
        town = _TOWNS[int(rng.integers(len(_TOWNS)))]
        separator = ", " if rng.random() < 0.3 else ","
        names[i] = f"{names[i]}{separator}{town}"
    return [f"{name} (DEMO)" for name in names]


def _pcn_names(n: int, rng: np.random.Generator) -> list[str]:
    combos = len(_PCN_PLACES) * len(_PCN_QUALIFIERS)
    picks = rng.choice(combos, size=n, replace=False)
    n_q = len(_PCN_QUALIFIERS)
    return [f"{_PCN_PLACES[p // n_q]} {_PCN_QUALIFIERS[p % n_q]} DEMO PCN" for p in picks.tolist()]


def _postcodes(n: int, rng: np.random.Generator) -> list[str]:
    letters = "ABDEFGHJLNPQRSTUWXYZ"  # the letters used in inward codes
    space = 10 * len(letters) ** 2
    picks = rng.choice(space, size=n, replace=n > space)
    k = len(letters)
    return [f"ZZ99 {p // (k * k)}{letters[p // k % k]}{letters[p % k]}" for p in picks.tolist()]


def _closures_per_sub_icb(subs: pd.DataFrame) -> np.ndarray:
    """Closed practices per sub-ICB: proportional to size, North West London (QRV) boosted."""
    is_qrv = (subs["icb_code"] == "QRV").to_numpy()
    weights = subs["practices"].to_numpy(dtype=float)
    qrv_total = QRV_LATE_CLOSURES + 4
    counts = np.zeros(len(subs), dtype=int)
    counts[is_qrv] = _allocate(qrv_total, weights[is_qrv])
    counts[~is_qrv] = _allocate(N_CLOSED_PRACTICES - qrv_total, weights[~is_qrv])
    return counts


def _closure_months(
    subs: pd.DataFrame, closed_sub: np.ndarray, rng: np.random.Generator
) -> np.ndarray:
    """Last month with appointment data of each closed practice, 2021-2025."""
    first, last = parse_month(CLOSURE_FIRST_MONTH) + 1, parse_month(CLOSURE_LAST_MONTH)
    months = rng.integers(first, last + 1, size=len(closed_sub))
    qrv_rows = np.flatnonzero(subs["icb_code"].to_numpy()[closed_sub] == "QRV")
    late_first = parse_month("2023-08")
    late = rng.choice(qrv_rows, size=QRV_LATE_CLOSURES, replace=False)
    months[late] = rng.integers(late_first, last + 1, size=len(late))
    early = np.setdiff1d(qrv_rows, late)
    months[early] = rng.integers(first, late_first - 1, size=len(early))
    return months


def _suppliers(icb_codes: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Crosstab supplier per practice: TPP or EMIS by ICB mix, a few EVERGREENLIFE and MEDICUS."""
    icbs = np.unique(icb_codes)
    tpp_share = dict(zip(icbs.tolist(), rng.beta(0.9, 1.3, size=len(icbs)).tolist(), strict=True))
    p_tpp = np.array([tpp_share[c] for c in icb_codes.tolist()])
    base = np.where(rng.random(len(icb_codes)) < p_tpp, "TPP", "EMIS").astype(object)
    variant = rng.random(len(icb_codes)) < 0.025
    base[variant] = base[variant] + "/EVERGREENLIFE"
    medicus = rng.choice(len(icb_codes), size=4, replace=False)
    base[medicus] = "MEDICUS"
    return base


def build_practices(subs: pd.DataFrame, seed: int) -> pd.DataFrame:
    """Every practice that ever had appointment data, sorted by code.

    Columns: code, name, supplier, pcn_code, pcn_name, sub_icb_code, icb_code, region_code,
    postcode, last_open_month (``NEVER_CLOSES`` if still open), merged_into (row of the practice that
    took the patients of a closed one, -1 otherwise), list_size_ref (registered patients in the
    reference month for open practices, before closing for closed ones), absorbed_ref.
    """
    rng = np.random.default_rng([seed, 11])
    closed_counts = _closures_per_sub_icb(subs)
    open_counts = subs["practices"].to_numpy()
    pcn_counts = subs["pcns"].to_numpy()
    pcn_names = _pcn_names(int(pcn_counts.sum()), rng)

    icb_effect = {c: rng.normal(0.0, 0.12) for c in sorted(subs["icb_code"].unique())}
    rows: list[dict[str, object]] = []
    pcn_number = 0
    for s, sub in enumerate(subs.itertuples(index=False)):
        n_open, n_pcn, n_closed = int(open_counts[s]), int(pcn_counts[s]), int(closed_counts[s])
        sizes = 1 + rng.multinomial(n_open - n_pcn, rng.dirichlet(np.full(n_pcn, 3.0)))
        pcn_of_open = np.repeat(np.arange(n_pcn), sizes)
        pcn_of_closed = pcn_of_open[rng.integers(0, n_open, size=n_closed)]
        log_list = rng.normal(LIST_LOG_MEDIAN + icb_effect[sub.icb_code], LIST_LOG_SIGMA, n_open)
        closed_list = rng.lognormal(np.log(4300.0), 0.5, n_closed)
        for pcn, is_closed, size in [
            *[
                (int(p), False, float(np.exp(v)))
                for p, v in zip(pcn_of_open, log_list, strict=True)
            ],
            *[(int(p), True, float(v)) for p, v in zip(pcn_of_closed, closed_list, strict=True)],
        ]:
            rows.append(
                {
                    "pcn_code": f"DP{pcn_number + pcn + 1:04d}",
                    "pcn_name": pcn_names[pcn_number + pcn],
                    "sub_icb_code": sub.sub_icb_code,
                    "icb_code": sub.icb_code,
                    "region_code": sub.region_code,
                    "closed": is_closed,
                    "size": size,
                    "order": rng.random(),
                }
            )
        pcn_number += n_pcn
    frame = pd.DataFrame(rows).sort_values(["sub_icb_code", "pcn_code", "order"], ignore_index=True)
    n = len(frame)
    frame["code"] = [f"DM{i + 1:04d}" for i in range(n)]
    frame["name"] = _practice_names(n, rng)
    frame["supplier"] = _suppliers(frame["icb_code"].to_numpy(), rng)
    frame["postcode"] = _postcodes(n, rng)

    closed = frame["closed"].to_numpy()
    sub_index = subs.reset_index().set_index("sub_icb_code")["index"]
    closed_sub = sub_index.loc[frame.loc[closed, "sub_icb_code"]].to_numpy()
    last_open = np.full(n, NEVER_CLOSES, dtype=np.int64)
    last_open[closed] = _closure_months(subs, closed_sub, rng)
    frame["last_open_month"] = last_open
    _set_list_sizes(frame, rng)
    return frame.drop(columns=["closed", "order", "size"])


def _set_list_sizes(frame: pd.DataFrame, rng: np.random.Generator) -> None:
    """Patients of a closed practice move to a larger practice of its PCN (or sub-ICB) when it closes."""
    size = np.clip(frame["size"].to_numpy(), LIST_MIN, LIST_MAX)
    closed = (frame["last_open_month"] < NEVER_CLOSES).to_numpy()
    merged_into = np.full(len(frame), -1, dtype=np.int64)
    absorbed = np.zeros(len(frame))
    groups = {key: pd.factorize(frame[key])[0] for key in ("pcn_code", "sub_icb_code")}
    for i in np.flatnonzero(closed).tolist():
        for key in ("pcn_code", "sub_icb_code"):
            group = groups[key]
            mates = np.flatnonzero(
                (group == group[i]) & ~closed & (size - absorbed > size[i] + 2000)
            )
            if len(mates):
                target = int(rng.choice(mates))
                break
        else:
            size[i] = LIST_MIN
            continue
        merged_into[i] = target
        absorbed[target] += size[i]
    frame["merged_into"] = merged_into
    frame["list_size_ref"] = np.where(closed, size, size - absorbed)
    frame["absorbed_ref"] = absorbed


def list_sizes(practices: pd.DataFrame, months: np.ndarray) -> np.ndarray:
    """Registered patients, practices x months (0 where closed), growing ~0.7% a year."""
    ref = parse_month(REFERENCE_LAST_MONTH)
    growth = (1.0 + LIST_GROWTH_PER_YEAR) ** ((months - ref) / 12.0)
    last_open = practices["last_open_month"].to_numpy()
    own = practices["list_size_ref"].to_numpy()[:, None] * np.ones(len(months))
    merged_into = practices["merged_into"].to_numpy()
    for i in np.flatnonzero(merged_into >= 0).tolist():
        after = months > last_open[i]
        own[merged_into[i], after] += own[i, after]
    own[months[None, :] > last_open[:, None]] = 0.0
    return np.rint(own * growth[None, :]).astype(np.int64)


def mapping_variants(practices: pd.DataFrame, seed: int) -> dict[str, list[str]]:
    """Mapping.csv lists a few practices twice (once three times) under supplier variants, like the
    real file (``TPP`` and ``TPP/EVERGREENLIFE``, ``EMIS`` and ``EMIS/TPP`` ...)."""
    rng = np.random.default_rng([seed, 23])
    rows = np.flatnonzero((practices["last_open_month"] == NEVER_CLOSES).to_numpy())
    picked = np.sort(rng.choice(rows, 36, replace=False))
    out: dict[str, list[str]] = {}
    for i, row in enumerate(picked.tolist()):
        supplier = str(practices["supplier"].iat[row])
        main = supplier.split("/")[0]
        other = {"TPP": "EMIS", "EMIS": "TPP"}.get(main, "EMIS")
        variant = f"{main}/EVERGREENLIFE" if rng.random() < 0.7 else f"{other}/{main}"
        if variant == supplier:
            variant = main
        pair = [supplier, variant] if rng.random() < 0.5 else [variant, supplier]
        if i == 0:
            pair.append(f"{main}/{other}" if f"{main}/{other}" not in pair else f"{other}/{main}")
        out[str(practices["code"].iat[row])] = pair
    return out
