"""The seed clauses field inspection's rules and messages cite (a rule's `source`)."""

CH7 = "供水手册第七章供水稽查管理制度"
CH4_TRACKING = "供水手册第四章水表管理制度4.2.2–4.2.3"
