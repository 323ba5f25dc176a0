"""Co-parents included: a carer asks the team to invite another carer of the baby (a partner,
co-parent or grandparent); the family's clinician approves, which issues the invitation, or
declines. Each carer's answers stay their own."""
