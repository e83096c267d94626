package storetest

// projectTests cover projects, members, judges, tasks and comments.
var projectTests = []suiteTest{}
