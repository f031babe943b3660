"""Every write of the hotline domain, split by subject: contacts, work orders, follow-up, alerts."""
