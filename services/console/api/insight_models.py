"""What the dashboard's API answers: the funnel over a period, and one month against the month before and
the same month a year before, with the conversion rates between successive stages. Counts only."""

from __future__ import annotations

from pydantic import BaseModel, Field

from services.console.domain import comparison
from services.console.domain.comparison import Change, Comparison, Rate
from services.console.domain.funnel import SECTOR_LABELS, STAGE_LABELS, TRANSITION_LABELS, Row, Stage

EVERY_MONTH = "Tous les mois"


class FunnelRow(BaseModel):
    agency_id: str
    agency_name: str
    sector: str
    sector_label: str
    month: str
    month_label: str = Field(description="the month in French (`novembre 2026`), or every month when `*`")
    transition: str = Field(description="the beneficiaries' move: chosen, imposed, `?` unsaid, `*` not split")
    transition_label: str
    counts: dict[Stage, int]

    @classmethod
    def of(cls, row: Row, agencies: dict[str, str]) -> FunnelRow:
        return cls(
            agency_id=row.agency_id,
            agency_name=agencies.get(row.agency_id, "Toutes les structures"),
            sector=row.sector,
            sector_label=SECTOR_LABELS.get(row.sector, "Tous les secteurs"),
            month=row.month,
            month_label=EVERY_MONTH if row.month == "*" else comparison.month_label(row.month),
            transition=row.transition,
            transition_label=TRANSITION_LABELS.get(row.transition, "Toutes les mobilités"),
            counts=row.counts,
        )


class Funnel(BaseModel):
    stages: dict[Stage, str]
    agencies: dict[str, str] = Field(description="every agency the caller may count (for a choice of one)")
    rows: list[FunnelRow]
    totals: dict[Stage, int]


class Period(BaseModel):
    month: str
    label: str = Field(description="`novembre 2026`")


class Evolution(BaseModel):
    difference: int
    relative: float | None = Field(description="the difference as a share of the earlier count; null when it was 0")
    text: str = Field(description="`+3 (+50 %)`, `+2 (—)` when the earlier count was 0")

    @classmethod
    def of(cls, change: Change) -> Evolution:
        return cls(difference=change.difference, relative=change.relative, text=change.text)


class StageComparison(BaseModel):
    stage: Stage
    label: str
    counts: list[int] = Field(description="in the order of `periods`")
    versus_previous: Evolution
    versus_last_year: Evolution


class RateValue(BaseModel):
    reached: int
    base: int
    share: float | None = Field(description="reached / base; null when the base is 0")
    text: str = Field(description="`50 %`, `—` when the base is 0")

    @classmethod
    def of(cls, rate: Rate) -> RateValue:
        return cls(reached=rate.reached, base=rate.base, share=rate.share, text=rate.text)


class RateComparison(BaseModel):
    label: str
    base: Stage
    reached: Stage
    rates: list[RateValue] = Field(description="in the order of `periods`")
    versus_previous: str = Field(description="in percentage points (`+5 points`), `—` when a base is 0")
    versus_last_year: str


class MonthComparison(BaseModel):
    agencies: dict[str, str] = Field(description="every agency the caller may count (for a choice of one)")
    months: dict[str, str] = Field(description="the months one may choose, the current one first, with their labels")
    periods: list[Period] = Field(description="the month, the month before, the same month a year before")
    stages: list[StageComparison]
    rates: list[RateComparison] = Field(description="between successive stages of the funnel")

    @classmethod
    def of(cls, agencies: dict[str, str], months: list[str], compared: Comparison) -> MonthComparison:
        return cls(
            agencies=agencies,
            months={month: comparison.month_label(month) for month in months},
            periods=[Period(month=p.month, label=p.label) for p in compared.periods],
            stages=[
                StageComparison(
                    stage=line.stage,
                    label=STAGE_LABELS[line.stage],
                    counts=list(line.counts),
                    versus_previous=Evolution.of(line.versus_previous),
                    versus_last_year=Evolution.of(line.versus_last_year),
                )
                for line in compared.stages
            ],
            rates=[
                RateComparison(
                    label=line.label,
                    base=line.base,
                    reached=line.reached,
                    rates=[RateValue.of(rate) for rate in line.rates],
                    versus_previous=line.versus_previous,
                    versus_last_year=line.versus_last_year,
                )
                for line in compared.rates
            ],
        )
