"""The archive room's rules (D1–D4): every number of seed 000 ch.8 (档案管理制度) and 003 (物业客服规章制度：
住户档案管理规定, 钥匙管理规定), editable on the 业务规则 page. Each subject declares its own in its
`policies_<subject>.py`; this module gathers them for `register_app`. Where the seeds are silent the choice
is ours, marked 本地默认 and explained in docs/ARCHIVES.md."""

from kefu.archives.policies_destruction import RULES as DESTRUCTION_RULES
from kefu.archives.policies_filing import RULES as FILING_RULES
from kefu.archives.policies_keys import RULES as KEY_RULES
from kefu.archives.policies_loans import RULES as LOAN_RULES
from kefu.core.policies import Rule

RULES: dict[str, Rule] = {**FILING_RULES, **LOAN_RULES, **DESTRUCTION_RULES, **KEY_RULES}
