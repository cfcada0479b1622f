using Melm.Models.Randomness;

namespace Melm.Models.Tests.Architecture;

/// <summary>
/// Rules on the built Melm.Models assembly (its metadata, IL and portable PDB): the pure namespaces
/// use no TorchSharp type, and no namespace depends on itself through others.
/// </summary>
public class ModelsArchitectureTests
{
    private const string Root = "Melm.Models";
    private const string TorchSharp = "TorchSharp";
    private const int ExamplesPerEdge = 3;

    /// <summary>Namespaces, each with the ones below it, that must run without TorchSharp.</summary>
    private static readonly string[] PureNamespaces =
    [
        "Melm.Models.Diagnostics",
        "Melm.Models.Randomness",
        "Melm.Models.Sequences",
        "Melm.Models.Data",
        "Melm.Models.Text",
        "Melm.Models.Evaluation",
        "Melm.Models.Augmentation",
        "Melm.Models.Baselines",
        "Melm.Models.CodeMix",
        "Melm.Models.Ner",
        "Melm.Models.Pretraining",
    ];

    private static readonly Lazy<AssemblyDependencies> Models = new(() => AssemblyDependencies.Read(typeof(StableRandom).Assembly, SharedFiles.Repository("")));

    [Fact]
    public void PureNamespacesUseNoTorchSharpType()
    {
        var violations = Models.Value.Types
            .Where(t => PureNamespaces.Any(p => IsWithin(t.Type.Namespace, p)))
            .Select(t => (Type: t, Torch: t.Uses.Where(u => u.Assembly == TorchSharp).Select(u => u.FullName).Order(StringComparer.Ordinal).ToArray()))
            .Where(v => v.Torch.Length > 0)
            .Select(v => $"{v.Type.Type} ({v.Type.File}) uses {string.Join(", ", v.Torch)}")
            .Order(StringComparer.Ordinal)
            .ToArray();
        Assert.True(violations.Length == 0, $"{violations.Length} types in pure namespaces use TorchSharp:\n" + string.Join('\n', violations));
    }

    [Fact]
    public void NamespacesDependOnEachOtherWithoutCircles()
    {
        var edges = new Dictionary<(string From, string To), List<(TypeUses User, TypeName Used)>>();
        foreach (var type in Models.Value.Types.Where(t => IsWithin(t.Type.Namespace, Root)))
        {
            foreach (var used in type.Uses.Where(u => u.Assembly == Models.Value.AssemblyName && IsWithin(u.Namespace, Root) && u.Namespace != type.Type.Namespace))
            {
                var key = (type.Type.Namespace, used.Namespace);
                if (!edges.TryGetValue(key, out var examples))
                    edges[key] = examples = [];
                examples.Add((type, used));
            }
        }

        var circles = StronglyConnected(edges.Keys)
            .Where(c => c.Count > 1)
            .Select(c => Describe(c, edges))
            .Order(StringComparer.Ordinal)
            .ToArray();
        Assert.True(circles.Length == 0, $"{circles.Length} circle(s) among the namespaces of {Root} (each edge with example uses):\n" + string.Join('\n', circles));
    }

    private static bool IsWithin(string ns, string prefix) =>
        ns == prefix || ns.StartsWith(prefix + ".", StringComparison.Ordinal);

    private static string Describe(IReadOnlySet<string> circle, Dictionary<(string From, string To), List<(TypeUses User, TypeName Used)>> edges)
    {
        var lines = edges
            .Where(e => circle.Contains(e.Key.From) && circle.Contains(e.Key.To))
            .OrderBy(e => e.Key.From, StringComparer.Ordinal).ThenBy(e => e.Key.To, StringComparer.Ordinal)
            .Select(e =>
            {
                var byUser = e.Value
                    .GroupBy(x => x.User.Type.FullName, StringComparer.Ordinal)
                    .OrderBy(g => g.Key, StringComparer.Ordinal)
                    .Select(g => g.OrderBy(x => x.Used.FullName, StringComparer.Ordinal).First())
                    .ToArray();
                var examples = byUser.Take(ExamplesPerEdge).Select(x => $"{x.User.Type} ({x.User.File}) uses {x.Used}");
                var more = byUser.Length > ExamplesPerEdge ? $"; +{byUser.Length - ExamplesPerEdge} more" : "";
                return $"  {e.Key.From} -> {e.Key.To}: {string.Join("; ", examples)}{more}";
            });
        return $"circle {string.Join(", ", circle.Order(StringComparer.Ordinal))}:\n{string.Join('\n', lines)}";
    }

    /// <summary>Tarjan's strongly connected components of the graph with these edges.</summary>
    private static List<IReadOnlySet<string>> StronglyConnected(IEnumerable<(string From, string To)> edges)
    {
        var successors = edges.GroupBy(e => e.From).ToDictionary(g => g.Key, g => g.Select(e => e.To).ToArray());
        var nodes = successors.Keys.Concat(successors.Values.SelectMany(v => v)).Distinct().Order(StringComparer.Ordinal);
        var index = new Dictionary<string, int>();
        var lowLink = new Dictionary<string, int>();
        var stack = new Stack<string>();
        var components = new List<IReadOnlySet<string>>();

        void Visit(string node)
        {
            index[node] = lowLink[node] = index.Count;
            stack.Push(node);
            foreach (var next in successors.GetValueOrDefault(node, []))
            {
                if (!index.TryGetValue(next, out var nextIndex))
                {
                    Visit(next);
                    lowLink[node] = Math.Min(lowLink[node], lowLink[next]);
                }
                else if (stack.Contains(next))
                {
                    lowLink[node] = Math.Min(lowLink[node], nextIndex);
                }
            }
            if (lowLink[node] != index[node])
                return;
            var component = new HashSet<string>(StringComparer.Ordinal);
            string member;
            do
            {
                member = stack.Pop();
                component.Add(member);
            } while (member != node);
            components.Add(component);
        }

        foreach (var node in nodes)
        {
            if (!index.ContainsKey(node))
                Visit(node);
        }
        return components;
    }
}
