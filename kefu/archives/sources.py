"""The seed clauses the archive room's rules and messages cite (a rule's `source`)."""

CH8 = "供水手册第八章客户服务中心水表档案管理制度"
HOUSEHOLD_ARCHIVES = "物业客服规章制度·住户档案管理规定"
SALES_ARCHIVES = "物业客服规章制度·客服部档案管理（档案的借阅和剔除）"
KEYS = "物业客服规章制度·钥匙管理规定"
