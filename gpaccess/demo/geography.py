"""Real NHS geography: 7 regions, 42 ICBs, 106 sub-ICB locations (codes and names as published)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from gpaccess.demo.constants import REGION_ONS_CODES

DEMO_DIR = Path(__file__).resolve().parent
REFERENCE_DIR = DEMO_DIR.parents[1] / "data" / "reference"
ONS_CODES_FILE = DEMO_DIR / "sub_icb_ons_codes.csv"


def load_sub_icbs(reference_dir: Path = REFERENCE_DIR) -> pd.DataFrame:
    """One row per sub-ICB location with its ICB and region, sorted by sub-ICB code.

    Columns: sub_icb_code, sub_icb_name, sub_icb_ons_code, icb_code, icb_name, icb_ons_code,
    region_code, region_name, region_ons_code, practices, pcns (the last two: counts in the real
    Oct 2025 Mapping.csv, which the demo reproduces).
    """
    icbs = pd.read_csv(reference_dir / "icb_reference.csv", dtype=str, keep_default_na=False)
    subs = pd.read_csv(reference_dir / "sub_icb_reference.csv", dtype=str, keep_default_na=False)
    ons = pd.read_csv(ONS_CODES_FILE, dtype=str, keep_default_na=False)
    ons = ons.rename(
        columns={
            "SUB_ICB_LOCATION_CODE": "sub_icb_code",
            "ONS_SUB_ICB_LOCATION_CODE": "sub_icb_ons_code",
        }
    )
    frame = subs.merge(icbs, on="icb_code", how="left", validate="many_to_one")
    frame = frame.merge(ons, on="sub_icb_code", how="left", validate="one_to_one")
    if frame[["icb_name", "sub_icb_ons_code"]].isna().any().any():
        raise ValueError("reference geography incomplete: sub-ICB without ICB or ONS code")
    frame["region_ons_code"] = frame["region_code"].map(REGION_ONS_CODES)
    frame["practices"] = frame["practices"].astype(int)
    frame["pcns"] = frame["pcns"].astype(int)
    return frame.sort_values("sub_icb_code", ignore_index=True)
