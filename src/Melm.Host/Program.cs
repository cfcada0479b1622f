using Melm.Host.Commands;

return Cli.Build().Parse(args).Invoke();
