"""The screening engine: builds its indexes once, then decides each request without any I/O."""

from dataclasses import replace
from datetime import date

from service.engine import overlays, timeline
from service.engine.calendar import beijing_today
from service.engine.coverage import checked_against, coverage_index, gap_advisories
from service.engine.evaluate import Context, ScreeningState, evaluate
from service.engine.explain import explain
from service.engine.keys import (
    CategoryKey,
    CeilingKey,
    DomainKey,
    IndexKey,
    InformalKey,
    NotTermKey,
    UnlessKey,
)
from service.engine.loader import RuleSet
from service.engine.matcher import CompiledTerm, Hit, TermIndex
from service.engine.models import (
    Advisory,
    Decision,
    MatchStatus,
    RulesetRef,
    ScreeningRequest,
    ScreeningResult,
)
from service.engine.normalise import normalise
from service.engine.parties.screen import PartyScreen
from service.engine.quantities import read_for, read_quantities
from service.engine.schema import (
    Category,
    Control,
    DomainNet,
    Instrument,
    Regime,
    TransactionType,
)

NOT_TERM_PENALTY = 30.0
HS_FULL_MATCH_DIGITS = 8
HS_NEAR_MATCH_DIGITS = 6
HS_SUBLINE_DIGITS = 10
HS_NEAR_SCORE = 75.0

Hits = dict[IndexKey, Hit[IndexKey]]


class Engine:
    """Screens requests against one rule set; safe to share between threads."""

    def __init__(self, ruleset: RuleSet) -> None:
        self.ruleset = ruleset
        self.ref = RulesetRef(version=ruleset.version, digest=ruleset.digest)
        entries: list[tuple[IndexKey, str]] = []
        for cid, (_, category) in ruleset.categories.items():
            entries += [(CategoryKey(cid), t) for t in (*category.terms, *category.terms_zh)]
            entries += [(NotTermKey(cid), t) for t in category.not_terms]
            for p, condition in enumerate(category.parameters):
                for c, ceiling in enumerate(condition.ceilings):
                    named = CeilingKey(cid, p, c)
                    entries += [(named, t) for t in (*ceiling.terms, *ceiling.terms_zh)]
                    entries += [(UnlessKey(cid, p, c), t) for t in ceiling.unless_terms]
        self.domains: dict[DomainKey, tuple[Instrument, DomainNet]] = {}
        for rule_file in ruleset.files.values():
            for position, domain in enumerate(rule_file.domains):
                key = DomainKey(rule_file.instrument.id, position)
                self.domains[key] = (rule_file.instrument, domain)
                entries += [(key, t) for t in (*domain.terms, *domain.terms_zh)]
            for measure in rule_file.informal_measures:
                entries += [
                    (InformalKey(measure.id), t) for t in (*measure.terms, *measure.terms_zh)
                ]
        self.index = TermIndex(entries)
        self.floor = min(
            [ruleset.review_threshold]
            + [c.review_threshold for _, c in ruleset.categories.values() if c.review_threshold]
        )
        # Any match, near or full, shares the first six digits: index the codes by them.
        self.hs_codes: dict[str, list[tuple[str, str]]] = {}
        for cid, (_, category) in ruleset.categories.items():
            for code in category.hs_codes:
                if len(code) >= HS_NEAR_MATCH_DIGITS:
                    prefix = code[:HS_NEAR_MATCH_DIGITS]
                    self.hs_codes.setdefault(prefix, []).append((code, cid))
        self.coverage = coverage_index(ruleset)
        self.overlays = [(i, c) for i, c in ruleset.categories.values() if c.triggered_by]
        self.informal = [
            (f.instrument, m) for f in ruleset.files.values() for m in f.informal_measures
        ]
        self.parties = PartyScreen(ruleset)

    def screen(self, request: ScreeningRequest, today: date | None = None) -> ScreeningResult:
        """Decide one request: the most severe contribution of every category that applies."""
        day = request.as_of or today or beijing_today()
        ctx = _context(request, day)
        hits = self.index.search(normalise(_match_text(request)), self.floor)
        state = ScreeningState(ctx)
        self._match_categories(state, hits)
        self._outrank_by_references(state)
        overlays.apply(state, self.overlays, self.ruleset.instruments)
        decision = self._decide(state, hits)
        parties = self.parties.screen(request, day, self._dual_use_item(state))
        decision = max(decision, parties.decision, key=lambda d: d.severity)
        if decision is Decision.unknown:
            state.missing += parties.missing
        state.advisories += parties.advisories
        self._add_informal(state, hits)
        self._add_unverified(state)
        checked = checked_against(
            self.coverage, request.transaction_type, day, request.origin_country
        )
        if decision is Decision.allowed:
            state.advisories += gap_advisories(checked)
        state.matches.sort(key=lambda m: (-m.decision.severity, -m.score, m.category_id))
        state.near_misses.sort(key=lambda m: (-m.score, m.category_id))
        return ScreeningResult(
            decision=decision,
            as_of=day,
            ruleset=self.ref,
            matches=state.matches,
            near_misses=state.near_misses,
            missing_information=list(dict.fromkeys(state.missing)),
            advisories=_unique(state.advisories),
            checked_against=[entry.instrument.id for entry in checked],
            explanation=explain(
                decision, state, self.ruleset.categories, checked, parties.sentences
            ),
            party_matches=parties.matches,
        )

    def _dual_use_item(self, state: ScreeningState) -> bool:
        """True when a dual-use category in force restricts or prohibits the item."""
        return any(
            m.status == MatchStatus.in_force
            and m.decision in (Decision.prohibited, Decision.approval_required)
            and self.ruleset.instruments[m.instrument_id].regime is Regime.dual_use
            for m in state.matches
        )

    def _match_categories(self, state: ScreeningState, hits: Hits) -> None:
        found: dict[str, tuple[float, list[str], set[str]]] = {}
        for cid, (score, label) in self._hs_scores(state.ctx.request.hs_code).items():
            found[cid] = (score, [label], set())
        for key, hit in hits.items():
            if not isinstance(key, CategoryKey):
                continue
            score, labels, words = found.get(key.category_id, (0.0, [], set()))
            if hit.as_if_spelt_right > hit.score:
                state.spelt_right[key.category_id] = hit.as_if_spelt_right
            strong = hit.best(self.ruleset.match_threshold)
            found[key.category_id] = (
                max(score, hit.score),
                [t.label for t in hit.best(self.floor)] + labels,
                words | {c.text for t in strong for c in t.components},
            )
        tx = state.ctx.request.transaction_type
        for cid, (score, labels, words) in sorted(found.items()):
            instrument, category = self.ruleset.categories[cid]
            if tx not in category.applies_to or category.triggered_by:
                continue
            score -= self._penalty(state, hits, cid)
            if score < (category.review_threshold or self.ruleset.review_threshold):
                continue
            full = score >= (category.match_threshold or self.ruleset.match_threshold)
            ctx = self._with_ceilings(_with_stated_values(state.ctx, category), cid, hits)
            state.add(evaluate(ctx, instrument, category, round(score, 1), labels), full)
            if full:
                state.consumed |= words

    def _with_ceilings(self, ctx: Context, cid: str, hits: Hits) -> Context:
        """The context with the upper bounds the description implies for this category's
        parameters; values given or read from the text always win."""
        ceilings: dict[str, tuple[float, str]] = {}
        for p, condition in enumerate(self.ruleset.categories[cid][1].parameters):
            if condition.name in ctx.values:
                continue
            for c, ceiling in enumerate(condition.ceilings):
                named = self._strong(hits, CeilingKey(cid, p, c))
                if named and not self._strong(hits, UnlessKey(cid, p, c)):
                    ceilings[condition.name] = (ceiling.at_most, ceiling.reason)
                    break
        if not ceilings:
            return ctx
        return replace(
            ctx,
            values=ctx.values | {name: value for name, (value, _) in ceilings.items()},
            ceilings={name: reason for name, (_, reason) in ceilings.items()},
        )

    def _strong(self, hits: Hits, key: IndexKey) -> bool:
        hit = hits.get(key)
        return hit is not None and hit.score >= self.ruleset.match_threshold

    def _penalty(self, state: ScreeningState, hits: Hits, cid: str) -> float:
        """Points taken off a category whose exclusion terms the description contains."""
        hit = hits.get(NotTermKey(cid))
        if not hit or hit.score < self.ruleset.match_threshold:
            return 0.0
        label = hit.best(self.ruleset.match_threshold)[0].label
        title = self.ruleset.categories[cid][1].title
        state.notes.append(f"{title} was marked down: the description mentions '{label}'.")
        return NOT_TERM_PENALTY

    def _hs_scores(self, hs_code: str | None) -> dict[str, tuple[float, str]]:
        """Categories whose customs codes match the request's: exact-prefix beats near."""
        scores: dict[str, tuple[float, str]] = {}
        if not hs_code:
            return scores
        for code, cid in self.hs_codes.get(hs_code[:HS_NEAR_MATCH_DIGITS], []):
            shared = _common_prefix(code, hs_code)
            if shared == min(len(code), len(hs_code)) and shared >= HS_FULL_MATCH_DIGITS:
                score = 100.0
            elif min(len(code), len(hs_code)) >= HS_SUBLINE_DIGITS:
                # Both name a statistical sub-line of the same tariff line, and not the same one:
                # the caller declared the sibling sub-line that the control does not list.
                continue
            elif shared >= HS_NEAR_MATCH_DIGITS:
                score = HS_NEAR_SCORE
            else:
                continue
            if score > scores.get(cid, (0.0, ""))[0]:
                scores[cid] = (score, f"HS {code}")
        return scores

    def _outrank_by_references(self, state: ScreeningState) -> None:
        """A not-controlled reference outranks controlled matches that scored strictly lower."""
        references = [
            m.score
            for m in state.matches
            if m.control is Control.not_controlled and m.status == MatchStatus.in_force
        ]
        if not references:
            return
        state.reference_score = max(references)
        # A typo must not hand the decision to a reference: compare as if it were spelt right.
        outranked = [
            m
            for m in state.matches
            if m.control is not Control.not_controlled
            and max(m.score, state.spelt_right.get(m.category_id, 0.0)) < state.reference_score
        ]
        for match in outranked:
            match.reason += " A closer not-controlled reference outranks it."
        state.matches = [m for m in state.matches if m not in outranked]
        state.near_misses += outranked

    def _decide(self, state: ScreeningState, hits: Hits) -> Decision:
        contributions = [m.decision for m in state.matches]
        unexplained = self._unexplained_domains(state, hits)
        if unexplained:
            for instrument, domain in unexplained:
                state.missing.append(domain.ask)
                state.notes.append(
                    f"The description is in the domain of {instrument.number} ({domain.name}) "
                    "but matches none of its items closely enough to decide."
                )
                if domain.coverage_gap:
                    state.advisories.append(_sector_gap(instrument, domain))
            contributions.append(Decision.unknown)
        if not state.matches:
            doubtful = [
                m
                for m in state.near_misses
                if m.decision is not Decision.allowed and m.score >= state.reference_score
            ]
            if doubtful:
                contributions.append(Decision.unknown)
                state.missing += [
                    f"a fuller description: it resembles {m.citation.item_title} "
                    f"({m.citation.item_number or m.instrument_id})"
                    for m in doubtful
                ]
        if not contributions:
            return Decision.allowed
        return max(contributions, key=lambda d: d.severity)

    def _unexplained_domains(
        self, state: ScreeningState, hits: Hits
    ) -> list[tuple[Instrument, DomainNet]]:
        """Domain words present in the text that no matched term accounts for."""
        found = []
        tx = state.ctx.request.transaction_type
        for key, hit in hits.items():
            if not isinstance(key, DomainKey) or hit.score < self.ruleset.match_threshold:
                continue
            instrument, domain = self.domains[key]
            if tx not in domain.applies_to:
                continue
            if state.ctx.origin != "CN" and not instrument.extraterritorial:
                continue
            if any(_explained(t, state.consumed) for t in hit.best(self.ruleset.match_threshold)):
                continue
            found.append((instrument, domain))
        return found

    def _add_informal(self, state: ScreeningState, hits: Hits) -> None:
        tx = state.ctx.request.transaction_type
        controlled_domain = any(m.control is not Control.not_controlled for m in state.matches)
        for instrument, measure in self.informal:
            if tx not in measure.applies_to:
                continue
            if measure.destinations and state.ctx.destination not in measure.destinations:
                continue
            hit = hits.get(InformalKey(measure.id))
            if measure.terms or measure.terms_zh:
                if not hit or hit.score < self.ruleset.match_threshold:
                    continue
            elif not controlled_domain:
                continue
            state.advisories.append(
                Advisory(
                    code="informal_measure",
                    message=f"{measure.title}: {measure.message} "
                    f"(not law; confidence {measure.confidence}).",
                    instrument_id=instrument.id,
                    category_id=measure.id,
                    source=f"{measure.source}, reported {measure.reported}",
                )
            )

    def _add_unverified(self, state: ScreeningState) -> None:
        """Say when the answer rests on a status the research could not verify for `as_of`."""
        for match in state.matches:
            if match.status == MatchStatus.out_of_scope:
                continue
            instrument, category = self.ruleset.categories[match.category_id]
            after = timeline.unverified_after(instrument, category, state.ctx.day)
            if after:
                state.advisories.append(
                    Advisory(
                        code="status_not_verified",
                        message=f"The status of {instrument.number} after {after} has not been "
                        "verified by the research behind these rules; check for an extension, "
                        "lifting or amendment.",
                        instrument_id=instrument.id,
                    )
                )


def _with_stated_values(ctx: Context, category: Category) -> Context:
    """The context with this category's parameters that the description states and the caller
    did not send ("chamber 300 mm, 150 MPa"), marked as read from the text."""
    wanted = [c.name for c in category.parameters if c.name not in ctx.values]
    stated = read_for(wanted, _match_text(ctx.request)) if wanted else {}
    if not stated:
        return ctx
    return replace(ctx, values=ctx.values | stated, read_from_text=ctx.read_from_text | set(stated))


def _sector_gap(instrument: Instrument, domain: DomainNet) -> Advisory:
    """The advisory for a deal in a sector where the instrument has items we could not encode."""
    return Advisory(
        code="coverage_gap",
        message=f"Coverage gap ({domain.name}) in {instrument.number}: {domain.ask}",
        instrument_id=instrument.id,
    )


def _context(request: ScreeningRequest, day: date) -> Context:
    destination = request.destination_country
    if request.engineer and request.engineer.work_country:
        destination = request.engineer.work_country
    hire = request.transaction_type is TransactionType.engineer_hire
    stated = read_quantities(request.description)
    return Context(
        request=request,
        day=day,
        destination=destination,
        origin=request.origin_country,
        work_in_china=hire and destination == "CN",
        values=stated | request.parameters,
        read_from_text=frozenset(set(stated) - set(request.parameters)),
    )


def _match_text(request: ScreeningRequest) -> str:
    """The text matched against terms: the description plus what an engineer knows and does."""
    parts = [request.description]
    if request.engineer:
        parts += [request.engineer.expertise, request.engineer.role]
    return " \n ".join(p for p in parts if p)


def _explained(term: CompiledTerm[IndexKey], consumed: set[str]) -> bool:
    """True when every part of a domain term lies inside a term that matched a category."""
    return all(
        any(c.text in used for used in consumed) if c.cjk else c.text in consumed
        for c in term.components
    )


def _common_prefix(a: str, b: str) -> int:
    n = 0
    for x, y in zip(a, b, strict=False):
        if x != y:
            break
        n += 1
    return n


def _unique(advisories: list[Advisory]) -> list[Advisory]:
    seen: set[tuple[str, str]] = set()
    kept = []
    for advisory in advisories:
        key = (advisory.code, advisory.message)
        if key not in seen:
            seen.add(key)
            kept.append(advisory)
    return kept
