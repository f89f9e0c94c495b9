using System;
using System.Collections.Generic;
using System.Linq;
using System.Reflection;
using System.Reflection.Emit;

namespace HaPg.Tests.Architecture
{
    /// <summary>
    /// Which folders of HaPg.Engine use which: read from the compiled types (base types, interfaces, fields, signatures,
    /// attributes) and from every method body's IL (calls, field accesses, object creations, casts, type tokens).
    /// A folder is a namespace: HaPg.Components.Patroni is "Components/Patroni".
    /// </summary>
    internal static class EngineDependencies
    {
        private static readonly Dictionary<short, OpCode> OpCodesByValue = typeof(OpCodes)
            .GetFields(BindingFlags.Public | BindingFlags.Static).Select(f => (OpCode)f.GetValue(null)!).ToDictionary(o => o.Value);

        public static Assembly Engine => typeof(HaPg.Inventory.HaPgInventory).Assembly;

        /// <summary>The folder of a type of the engine, or null for other assemblies' types.</summary>
        public static string? FolderOf(Type? type)
        {
            while (type is not null && (type.IsArray || type.IsByRef || type.IsPointer))
            {
                type = type.GetElementType();
            }

            if (type is null || type.Assembly != Engine || type.Namespace is null || !type.Namespace.StartsWith("HaPg", StringComparison.Ordinal))
            {
                return null;
            }

            return Unit(type.Namespace == "HaPg" ? string.Empty : type.Namespace.Substring("HaPg.".Length).Replace('.', '/'));
        }

        /// <summary>Subfolders that are part of their parent: the failover scenarios and the runner use each other.</summary>
        public static string Unit(string folder) => folder == "Failover/Scenarios" ? "Failover" : folder;

        /// <summary>Every (from folder, to folder) pair with one example of why, self-edges left out.</summary>
        public static IReadOnlyDictionary<(string From, string To), string> Read()
        {
            var edges = new Dictionary<(string, string), string>();
            foreach (var type in Engine.GetTypes())
            {
                var from = FolderOf(type);
                if (from is null)
                {
                    continue;
                }

                foreach (var (used, why) in Uses(type))
                {
                    foreach (var part in Expand(used))
                    {
                        var to = FolderOf(part);
                        if (to is not null && to != from && !edges.ContainsKey((from, to)))
                        {
                            edges[(from, to)] = $"{Name(type)} {why} {Name(part)}";
                        }
                    }
                }
            }

            return edges;
        }

        private static string Name(Type type) => (type.DeclaringType is Type outer ? Name(outer) + "+" : string.Empty) + type.Name;

        private static IEnumerable<Type> Expand(Type type)
        {
            yield return type;
            if (type.IsGenericType)
            {
                foreach (var argument in type.GetGenericArguments().SelectMany(Expand))
                {
                    yield return argument;
                }
            }

            if (type.HasElementType)
            {
                foreach (var element in Expand(type.GetElementType()!))
                {
                    yield return element;
                }
            }
        }

        private static IEnumerable<(Type Used, string Why)> Uses(Type type)
        {
            const BindingFlags all = BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly;
            if (type.BaseType is Type baseType) yield return (baseType, "derives from");
            foreach (var face in type.GetInterfaces()) yield return (face, "implements");
            foreach (var attribute in type.CustomAttributes) yield return (attribute.AttributeType, "is marked");
            foreach (var field in type.GetFields(all)) yield return (field.FieldType, "has a field of");
            foreach (var property in type.GetProperties(all)) yield return (property.PropertyType, "has a property of");
            foreach (var method in type.GetMethods(all).Cast<MethodBase>().Concat(type.GetConstructors(all)))
            {
                if (method is MethodInfo info) yield return (info.ReturnType, "returns");
                foreach (var parameter in method.GetParameters()) yield return (parameter.ParameterType, "takes");
                foreach (var used in BodyUses(method)) yield return (used, "uses");
            }
        }

        /// <summary>The types an IL body names: the declaring types of called methods and touched fields, and type tokens.</summary>
        private static IEnumerable<Type> BodyUses(MethodBase method)
        {
            var il = method.GetMethodBody()?.GetILAsByteArray();
            if (il is null)
            {
                yield break;
            }

            var module = method.Module;
            Type[]? typeArguments = method.DeclaringType?.IsGenericType == true ? method.DeclaringType.GetGenericArguments() : null;
            Type[]? methodArguments = method.IsGenericMethod ? method.GetGenericArguments() : null;
            var at = 0;
            while (at < il.Length)
            {
                var value = il[at] == 0xFE ? (short)(0xFE00 | il[at + 1]) : il[at];
                at += il[at] == 0xFE ? 2 : 1;
                var opcode = OpCodesByValue[unchecked((short)value)];
                switch (opcode.OperandType)
                {
                    case OperandType.InlineNone:
                        break;
                    case OperandType.ShortInlineBrTarget:
                    case OperandType.ShortInlineI:
                    case OperandType.ShortInlineVar:
                        at += 1;
                        break;
                    case OperandType.InlineVar:
                        at += 2;
                        break;
                    case OperandType.InlineI8:
                    case OperandType.InlineR:
                        at += 8;
                        break;
                    case OperandType.InlineSwitch:
                        var count = BitConverter.ToInt32(il, at);
                        at += 4 + (4 * count);
                        break;
                    case OperandType.InlineMethod:
                    case OperandType.InlineField:
                    case OperandType.InlineType:
                    case OperandType.InlineTok:
                        var token = BitConverter.ToInt32(il, at);
                        at += 4;
                        MemberInfo? member = null;
                        try
                        {
                            member = module.ResolveMember(token, typeArguments, methodArguments);
                        }
                        catch (ArgumentException)
                        {
                        }

                        if (member is Type used) yield return used;
                        else if (member?.DeclaringType is Type owner) yield return owner;
                        if (member is MethodInfo called)
                        {
                            yield return called.ReturnType;
                            foreach (var argument in called.IsGenericMethod ? called.GetGenericArguments() : Type.EmptyTypes) yield return argument;
                        }
                        else if (member is FieldInfo field)
                        {
                            yield return field.FieldType;
                        }

                        break;
                    default:
                        at += 4;
                        break;
                }
            }
        }
    }
}
