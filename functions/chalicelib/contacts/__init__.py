"""Contact details as people write them: phone numbers (Indonesian and foreign, stored in E.164) and email addresses."""
