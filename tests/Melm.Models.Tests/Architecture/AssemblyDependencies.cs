using System.Collections.Immutable;
using System.Reflection;
using System.Reflection.Emit;
using System.Reflection.Metadata;
using System.Reflection.Metadata.Ecma335;
using System.Reflection.PortableExecutable;

namespace Melm.Models.Tests.Architecture;

/// <summary>A type as metadata names it: the assembly that defines it, its namespace and its name (nested types as Outer+Inner, generics with their `arity, as <see cref="Type.FullName"/> writes them).</summary>
public sealed record TypeName(string Assembly, string Namespace, string Name)
{
    public string FullName => Namespace.Length == 0 ? Name : $"{Namespace}.{Name}";

    public override string ToString() => FullName;
}

/// <summary>One top-level type with everything nested in it (closures, lambdas, async and iterator state machines), its source file and every type it refers to.</summary>
public sealed record TypeUses(TypeName Type, string File, IReadOnlySet<TypeName> Uses);

/// <summary>
/// Reads a built assembly's metadata and IL, and its portable PDB beside it, into the types each
/// top-level type refers to: base type, interfaces, generic constraints, custom attributes, field,
/// property, event and method signatures, local variables, catch clauses and every token in the
/// method bodies, generic arguments included. Nested types count as their outermost declaring type.
/// </summary>
public sealed class AssemblyDependencies
{
    private const string NoSource = "(no source)";

    private AssemblyDependencies(string assemblyName, IReadOnlyList<TypeUses> types)
    {
        AssemblyName = assemblyName;
        Types = types;
    }

    public string AssemblyName { get; }

    /// <summary>One entry per top-level type, in metadata order.</summary>
    public IReadOnlyList<TypeUses> Types { get; }

    /// <summary>The entry of a top-level type of the assembly.</summary>
    public TypeUses Of(Type type) =>
        Types.SingleOrDefault(t => t.Type.FullName == type.FullName)
        ?? throw new ArgumentException($"{type.FullName} is no top-level type of {AssemblyName}", nameof(type));

    /// <summary>Reads <paramref name="assembly"/>'s file and the portable PDB beside it; source files are named relative to <paramref name="sourceRoot"/>.</summary>
    public static AssemblyDependencies Read(Assembly assembly, string sourceRoot)
    {
        var path = assembly.Location;
        using var peReader = new PEReader(File.OpenRead(path));
        using var pdbProvider = MetadataReaderProvider.FromPortablePdbStream(File.OpenRead(Path.ChangeExtension(path, ".pdb")));
        var reader = peReader.GetMetadataReader();
        var pdb = pdbProvider.GetMetadataReader();
        var assemblyName = reader.GetString(reader.GetAssemblyDefinition().Name);

        var uses = new Dictionary<TypeDefinitionHandle, HashSet<TypeName>>();
        var files = new Dictionary<TypeDefinitionHandle, SortedSet<string>>();
        foreach (var handle in reader.TypeDefinitions)
        {
            var owner = Outermost(reader, handle);
            if (!uses.TryGetValue(owner, out var names))
            {
                uses[owner] = names = [];
                files[owner] = new SortedSet<string>(StringComparer.Ordinal);
            }
            new Collector(reader, peReader, assemblyName, names).AddTypeDefinition(handle);
            foreach (var method in reader.GetTypeDefinition(handle).GetMethods())
                files[owner].UnionWith(Documents(pdb, method).Select(d => Relative(d, sourceRoot)));
        }

        var types = uses.Select(u => new TypeUses(
                NameOf(reader, assemblyName, u.Key),
                files[u.Key].Count == 0 ? NoSource : string.Join(", ", files[u.Key]),
                u.Value))
            .ToArray();
        return new AssemblyDependencies(assemblyName, types);
    }

    private static TypeDefinitionHandle Outermost(MetadataReader reader, TypeDefinitionHandle handle)
    {
        for (var outer = reader.GetTypeDefinition(handle).GetDeclaringType(); !outer.IsNil; outer = reader.GetTypeDefinition(outer).GetDeclaringType())
            handle = outer;
        return handle;
    }

    private static IEnumerable<string> Documents(MetadataReader pdb, MethodDefinitionHandle method)
    {
        var info = pdb.GetMethodDebugInformation(method);
        if (!info.Document.IsNil)
            return [pdb.GetString(pdb.GetDocument(info.Document).Name)];
        if (info.SequencePointsBlob.IsNil)
            return [];
        return info.GetSequencePoints().Select(p => p.Document).Distinct().Select(d => pdb.GetString(pdb.GetDocument(d).Name));
    }

    private static string Relative(string document, string root)
    {
        var relative = Path.GetRelativePath(root, document);
        return (relative.StartsWith("..", StringComparison.Ordinal) || Path.IsPathRooted(relative) ? document : relative).Replace('\\', '/');
    }

    private static TypeName NameOf(MetadataReader reader, string assemblyName, TypeDefinitionHandle handle)
    {
        var type = reader.GetTypeDefinition(handle);
        var name = reader.GetString(type.Name);
        var outer = type.GetDeclaringType();
        if (outer.IsNil)
            return new TypeName(assemblyName, reader.GetString(type.Namespace), name);
        var outerName = NameOf(reader, assemblyName, outer);
        return outerName with { Name = $"{outerName.Name}+{name}" };
    }

    private static TypeName NameOf(MetadataReader reader, string assemblyName, TypeReferenceHandle handle)
    {
        var type = reader.GetTypeReference(handle);
        var name = reader.GetString(type.Name);
        var scope = type.ResolutionScope;
        switch (scope.Kind)
        {
            case HandleKind.TypeReference:
                var outerName = NameOf(reader, assemblyName, (TypeReferenceHandle)scope);
                return outerName with { Name = $"{outerName.Name}+{name}" };
            case HandleKind.AssemblyReference:
                return new TypeName(reader.GetString(reader.GetAssemblyReference((AssemblyReferenceHandle)scope).Name), reader.GetString(type.Namespace), name);
            case HandleKind.ModuleReference:
                return new TypeName(reader.GetString(reader.GetModuleReference((ModuleReferenceHandle)scope).Name), reader.GetString(type.Namespace), name);
            default:
                return new TypeName(assemblyName, reader.GetString(type.Namespace), name);
        }
    }

    /// <summary>Adds every type one type definition refers to into <c>names</c>.</summary>
    private sealed class Collector(MetadataReader reader, PEReader peReader, string assemblyName, HashSet<TypeName> names)
        : ISignatureTypeProvider<ImmutableArray<TypeName>, object?>
    {
        public void AddTypeDefinition(TypeDefinitionHandle handle)
        {
            var type = reader.GetTypeDefinition(handle);
            AddType(type.BaseType);
            foreach (var implementation in type.GetInterfaceImplementations())
                AddType(reader.GetInterfaceImplementation(implementation).Interface);
            AddGenericParameters(type.GetGenericParameters());
            AddAttributes(type.GetCustomAttributes());
            foreach (var implementation in type.GetMethodImplementations())
            {
                var methodImplementation = reader.GetMethodImplementation(implementation);
                AddMember(methodImplementation.MethodBody);
                AddMember(methodImplementation.MethodDeclaration);
            }
            foreach (var field in type.GetFields())
            {
                var definition = reader.GetFieldDefinition(field);
                names.UnionWith(definition.DecodeSignature(this, null));
                AddAttributes(definition.GetCustomAttributes());
            }
            foreach (var property in type.GetProperties())
            {
                var definition = reader.GetPropertyDefinition(property);
                AddSignature(definition.DecodeSignature(this, null));
                AddAttributes(definition.GetCustomAttributes());
            }
            foreach (var @event in type.GetEvents())
            {
                var definition = reader.GetEventDefinition(@event);
                AddType(definition.Type);
                AddAttributes(definition.GetCustomAttributes());
            }
            foreach (var method in type.GetMethods())
                AddMethodDefinition(method);
        }

        private void AddMethodDefinition(MethodDefinitionHandle handle)
        {
            var method = reader.GetMethodDefinition(handle);
            AddSignature(method.DecodeSignature(this, null));
            AddGenericParameters(method.GetGenericParameters());
            AddAttributes(method.GetCustomAttributes());
            foreach (var parameter in method.GetParameters())
                AddAttributes(reader.GetParameter(parameter).GetCustomAttributes());
            if (method.RelativeVirtualAddress == 0)
                return;
            var body = peReader.GetMethodBody(method.RelativeVirtualAddress);
            if (!body.LocalSignature.IsNil)
            {
                foreach (var local in reader.GetStandaloneSignature(body.LocalSignature).DecodeLocalSignature(this, null))
                    AddTypes(local);
            }
            foreach (var region in body.ExceptionRegions)
                AddType(region.CatchType);
            var il = body.GetILReader();
            while (il.RemainingBytes > 0)
            {
                var opCode = ILOpCodes.Read(ref il);
                switch (opCode.OperandType)
                {
                    case OperandType.InlineField or OperandType.InlineMethod or OperandType.InlineTok or OperandType.InlineType or OperandType.InlineSig:
                        AddToken(MetadataTokens.EntityHandle(il.ReadInt32()));
                        break;
                    case OperandType.InlineSwitch:
                        var targets = il.ReadInt32();
                        il.Offset += 4 * targets;
                        break;
                    default:
                        il.Offset += ILOpCodes.OperandSize(opCode.OperandType);
                        break;
                }
            }
        }

        private void AddToken(EntityHandle handle)
        {
            if (handle.Kind == HandleKind.StandaloneSignature)
                AddSignature(reader.GetStandaloneSignature((StandaloneSignatureHandle)handle).DecodeMethodSignature(this, null));
            else if (handle.Kind is HandleKind.TypeReference or HandleKind.TypeDefinition or HandleKind.TypeSpecification)
                AddType(handle);
            else
                AddMember(handle);
        }

        private void AddMember(EntityHandle handle)
        {
            switch (handle.Kind)
            {
                case HandleKind.MethodDefinition:
                    var method = reader.GetMethodDefinition((MethodDefinitionHandle)handle);
                    AddType(method.GetDeclaringType());
                    AddSignature(method.DecodeSignature(this, null));
                    break;
                case HandleKind.FieldDefinition:
                    var field = reader.GetFieldDefinition((FieldDefinitionHandle)handle);
                    AddType(field.GetDeclaringType());
                    AddTypes(field.DecodeSignature(this, null));
                    break;
                case HandleKind.MemberReference:
                    var member = reader.GetMemberReference((MemberReferenceHandle)handle);
                    if (member.Parent.Kind == HandleKind.MethodDefinition)
                        AddMember(member.Parent);
                    else
                        AddType(member.Parent);
                    if (member.GetKind() == MemberReferenceKind.Method)
                        AddSignature(member.DecodeMethodSignature(this, null));
                    else
                        AddTypes(member.DecodeFieldSignature(this, null));
                    break;
                case HandleKind.MethodSpecification:
                    var specification = reader.GetMethodSpecification((MethodSpecificationHandle)handle);
                    AddMember(specification.Method);
                    foreach (var argument in specification.DecodeSignature(this, null))
                        AddTypes(argument);
                    break;
                default:
                    throw new InvalidOperationException($"Unexpected member token kind {handle.Kind}");
            }
        }

        private void AddType(EntityHandle handle)
        {
            if (!handle.IsNil && handle.Kind != HandleKind.ModuleReference)
                AddTypes(Decode(handle));
        }

        private void AddTypes(ImmutableArray<TypeName> types) => names.UnionWith(types);

        private void AddSignature(MethodSignature<ImmutableArray<TypeName>> signature)
        {
            AddTypes(signature.ReturnType);
            foreach (var parameter in signature.ParameterTypes)
                AddTypes(parameter);
        }

        private void AddGenericParameters(GenericParameterHandleCollection parameters)
        {
            foreach (var parameter in parameters)
            {
                foreach (var constraint in reader.GetGenericParameter(parameter).GetConstraints())
                    AddType(reader.GetGenericParameterConstraint(constraint).Type);
            }
        }

        private void AddAttributes(CustomAttributeHandleCollection attributes)
        {
            foreach (var attribute in attributes)
                AddMember(reader.GetCustomAttribute(attribute).Constructor);
        }

        private ImmutableArray<TypeName> Decode(EntityHandle handle) => handle.Kind switch
        {
            HandleKind.TypeDefinition => [NameOf(reader, assemblyName, (TypeDefinitionHandle)handle)],
            HandleKind.TypeReference => [NameOf(reader, assemblyName, (TypeReferenceHandle)handle)],
            HandleKind.TypeSpecification => reader.GetTypeSpecification((TypeSpecificationHandle)handle).DecodeSignature(this, null),
            _ => throw new InvalidOperationException($"Unexpected type token kind {handle.Kind}"),
        };

        public ImmutableArray<TypeName> GetArrayType(ImmutableArray<TypeName> elementType, ArrayShape shape) => elementType;

        public ImmutableArray<TypeName> GetByReferenceType(ImmutableArray<TypeName> elementType) => elementType;

        public ImmutableArray<TypeName> GetFunctionPointerType(MethodSignature<ImmutableArray<TypeName>> signature) =>
            [.. signature.ReturnType, .. signature.ParameterTypes.SelectMany(p => p)];

        public ImmutableArray<TypeName> GetGenericInstantiation(ImmutableArray<TypeName> genericType, ImmutableArray<ImmutableArray<TypeName>> typeArguments) =>
            [.. genericType, .. typeArguments.SelectMany(a => a)];

        public ImmutableArray<TypeName> GetGenericMethodParameter(object? genericContext, int index) => [];

        public ImmutableArray<TypeName> GetGenericTypeParameter(object? genericContext, int index) => [];

        public ImmutableArray<TypeName> GetModifiedType(ImmutableArray<TypeName> modifier, ImmutableArray<TypeName> unmodifiedType, bool isRequired) =>
            [.. modifier, .. unmodifiedType];

        public ImmutableArray<TypeName> GetPinnedType(ImmutableArray<TypeName> elementType) => elementType;

        public ImmutableArray<TypeName> GetPointerType(ImmutableArray<TypeName> elementType) => elementType;

        public ImmutableArray<TypeName> GetPrimitiveType(PrimitiveTypeCode typeCode) => [];

        public ImmutableArray<TypeName> GetSZArrayType(ImmutableArray<TypeName> elementType) => elementType;

        public ImmutableArray<TypeName> GetTypeFromDefinition(MetadataReader metadataReader, TypeDefinitionHandle handle, byte rawTypeKind) =>
            [NameOf(metadataReader, assemblyName, handle)];

        public ImmutableArray<TypeName> GetTypeFromReference(MetadataReader metadataReader, TypeReferenceHandle handle, byte rawTypeKind) =>
            [NameOf(metadataReader, assemblyName, handle)];

        public ImmutableArray<TypeName> GetTypeFromSpecification(MetadataReader metadataReader, object? genericContext, TypeSpecificationHandle handle, byte rawTypeKind) =>
            metadataReader.GetTypeSpecification(handle).DecodeSignature(this, genericContext);
    }

    /// <summary>The IL opcode table, built from <see cref="OpCodes"/>: one-byte opcodes and the two-byte ones after the 0xFE prefix.</summary>
    private static class ILOpCodes
    {
        private const byte TwoBytePrefix = 0xFE;
        private static readonly OpCode?[] OneByte = new OpCode?[256];
        private static readonly OpCode?[] TwoByte = new OpCode?[256];

        static ILOpCodes()
        {
            foreach (var field in typeof(OpCodes).GetFields(BindingFlags.Public | BindingFlags.Static))
            {
                var opCode = (OpCode)field.GetValue(null)!;
                var value = (ushort)opCode.Value;
                if (opCode.Size == 1)
                    OneByte[value] = opCode;
                else
                    TwoByte[value & 0xFF] = opCode;
            }
        }

        public static OpCode Read(ref BlobReader il)
        {
            var offset = il.Offset;
            var first = il.ReadByte();
            var opCode = first == TwoBytePrefix ? TwoByte[il.ReadByte()] : OneByte[first];
            return opCode ?? throw new InvalidOperationException($"Unknown IL opcode 0x{first:X2} at offset {offset}");
        }

        /// <summary>The operand size in bytes of the operand types that carry no metadata token, InlineSwitch (sized by its case count) aside.</summary>
        public static int OperandSize(OperandType operandType) => operandType switch
        {
            OperandType.InlineNone => 0,
            OperandType.ShortInlineBrTarget or OperandType.ShortInlineI or OperandType.ShortInlineVar => 1,
            OperandType.InlineVar => 2,
            OperandType.InlineBrTarget or OperandType.InlineI or OperandType.InlineString or OperandType.ShortInlineR => 4,
            OperandType.InlineI8 or OperandType.InlineR => 8,
            _ => throw new InvalidOperationException($"No fixed operand size for {operandType}"),
        };
    }
}
