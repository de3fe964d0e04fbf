// Entry point of the `recsys` command line; commands are added by the engine issue.
return 0;
