trigger OpportunityRollupTrigger on Opportunity (after update) {
    RollupService.rollUp(Trigger.newMap.keySet());
}
