// Entry point of the `recsys` command line; everything else lives in RecsysCommandLine and the commands.
return RecommenderService.Cli.RecsysCommandLine.Run(args, Console.Out, Console.Error);
