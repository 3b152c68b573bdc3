trigger RevenueScheduleTrigger on Revenue_Schedule__c (after insert, after update, after delete) {
    RollupService.rollUpSchedules(Trigger.isDelete ? Trigger.old : Trigger.new);
}
