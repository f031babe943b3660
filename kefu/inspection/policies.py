"""Field inspection's rules (I1–I4): every number of seed 000 ch.7 (供水稽查管理制度) and ch.4 §4.2,
editable on the 业务规则 page. Each subject declares its own in `policies_<subject>.py`; this module gathers
them for `register_app`. Where the seed is silent the choice is ours, marked 本地默认 and explained in
docs/INSPECTION.md."""

from kefu.core.policies import Rule
from kefu.inspection.policies_cases import RULES as CASE_RULES
from kefu.inspection.policies_evidence import RULES as EVIDENCE_RULES
from kefu.inspection.policies_patrols import RULES as PATROL_RULES

RULES: dict[str, Rule] = {**CASE_RULES, **EVIDENCE_RULES, **PATROL_RULES}
