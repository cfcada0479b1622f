using Melm.Host.Commands;

return Cli.Invoke(args);
