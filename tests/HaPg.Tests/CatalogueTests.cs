using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Management.Automation;
using System.Net;
using System.Reflection;
using System.Security;
using HaPg.Components.Common;
using HaPg.Components.Firewall;
using HaPg.Inventory;
using HaPg.PowerShell.Commands;
using HaPg.Remote;
using HaPg.Tests.Inventory;
using Xunit;

namespace HaPg.Tests
{
    /// <summary>Each hand-kept list has one home; these fail when a secret, a port, a name rule or a timing profile is left out of it.</summary>
    public sealed class CatalogueTests
    {
        private static IEnumerable<PropertyInfo> PropertiesOf<T>(Type type) =>
            type.GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.PropertyType == typeof(T));

        private static SecureString Secure(string text) => new NetworkCredential(string.Empty, text).SecurePassword;

        [Fact]
        public void EverySecretOfHaPgSecretsIsAField()
        {
            var properties = PropertiesOf<SecureString>(typeof(HaPgSecrets)).ToList();
            Assert.Equal(properties.Select(p => p.Name).OrderBy(n => n), HaPgSecrets.AllFields.Select(f => f.Name).OrderBy(n => n));
            Assert.Equal(new[] { nameof(HaPgSecrets.CaPrivateKey) }, HaPgSecrets.KeyFields.Select(f => f.Name));
            foreach (var field in HaPgSecrets.AllFields)
            {
                var secrets = new HaPgSecrets();
                var value = Secure(field.Name);
                field.Set(secrets, value);
                Assert.Same(value, typeof(HaPgSecrets).GetProperty(field.Name)!.GetValue(secrets));
                Assert.Same(value, field.Get(secrets));
            }
        }

        [Fact]
        public void TheRedactorMasksEverySecret()
        {
            var inventory = new HaPgInventory { Credential = new PSCredential("u", Secure("ssh-pw")), SudoPassword = Secure("sudo-pw") };
            var properties = PropertiesOf<SecureString>(typeof(HaPgSecrets)).ToList();
            foreach (var property in properties)
            {
                property.SetValue(inventory.Secrets, Secure("value-of-" + property.Name));
            }

            var text = string.Join(" ", properties.Select(p => "value-of-" + p.Name).Concat(new[] { "ssh-pw", "sudo-pw" }));
            Assert.Equal(string.Join(" ", Enumerable.Repeat(Redactor.Mask, properties.Count + 2)), Redactor.For(inventory).Redact(text));
        }

        [Fact]
        public void EveryPortOfHaPgPortsIsInTheCatalogue()
        {
            var properties = PropertiesOf<int>(typeof(HaPgPorts)).ToList();
            Assert.Equal(properties.Select(p => p.Name).OrderBy(n => n), HaPgPorts.Catalogue.Select(e => e.Name).OrderBy(n => n));
            Assert.Equal(HaPgPorts.Catalogue.Count, HaPgPorts.Catalogue.Select(e => e.Key).Distinct().Count());
            foreach (var entry in HaPgPorts.Catalogue)
            {
                var ports = new HaPgPorts();
                Assert.Equal(typeof(HaPgPorts).GetProperty(entry.Name)!.GetValue(ports), entry.Get(ports));
                entry.Set(ports, 40000);
                Assert.Equal(40000, typeof(HaPgPorts).GetProperty(entry.Name)!.GetValue(ports));
                Assert.NotEqual(HaPgRole.None, entry.Role);
            }
        }

        [Fact]
        public void EveryPortHasANewHaPgInventoryParameter()
        {
            foreach (var entry in HaPgPorts.Catalogue)
            {
                var parameter = typeof(NewHaPgInventoryCommand).GetProperty(entry.Name + "Port");
                Assert.True(parameter is not null, $"New-HaPgInventory has no -{entry.Name}Port");
                Assert.Equal(typeof(int?), parameter!.PropertyType);
            }
        }

        [Fact]
        public void EveryPortIsInTheFileTheValidatorAndTheFirewall()
        {
            var inventory = InventoryValidatorTests.Valid();
            var node = inventory.Nodes[0];
            var written = new StringWriter();
            InventoryYaml.Write(inventory, written);
            var rules = FirewallPlan.ForNode(inventory, node);
            foreach (var entry in HaPgPorts.Catalogue)
            {
                Assert.Contains($"  {entry.Key}: {entry.Get(inventory.Ports)}", written.ToString());
                Assert.Contains(rules, r => r.Port == entry.Get(inventory.Ports));

                var broken = InventoryValidatorTests.Valid();
                entry.Set(broken.Ports, 70000);
                Assert.Contains(InventoryValidator.Validate(broken, _ => true), i => i.Id == InventoryErrorIds.InvalidPort && i.Key == "ports." + entry.Key);
            }
        }

        [Theory]
        [InlineData("node-1", true)]
        [InlineData("a", true)]
        [InlineData("db1.example_2", true)]
        [InlineData("", false)]
        [InlineData("-node", false)]
        [InlineData("node 1", false)]
        [InlineData("node-1\n", false)]
        [InlineData("n/1", false)]
        public void NodeNamesFollowTheOneNameRule(string name, bool plain)
        {
            Assert.Equal(plain, NameRules.IsPlain(name));
            Assert.Equal(plain, Names.IsPlain(name));
            var inventory = InventoryValidatorTests.Valid();
            inventory.Nodes[0].Name = name;
            // A control character has an error of its own, which comes first and alone.
            Assert.Equal(!plain, InventoryValidator.Validate(inventory, _ => true)
                .Any(i => i.Id == InventoryErrorIds.InvalidNodeName || i.Id == InventoryErrorIds.ControlCharacter));
        }

        [Fact]
        public void ThePlainNameRuleHasOneHome()
        {
            var samples = new[] { "node-1", "a", "db1.example_2", "", "-node", "node 1", "n/1", "_x", "Node.2", new string('a', 63), new string('a', 64) };
            var lookalikes = typeof(NameRules).Assembly.GetTypes().Where(t => !t.ContainsGenericParameters)
                .SelectMany(t => t.GetFields(BindingFlags.Static | BindingFlags.NonPublic | BindingFlags.Public))
                .Where(f => f.FieldType == typeof(System.Text.RegularExpressions.Regex))
                .Where(f => samples.All(s => ((System.Text.RegularExpressions.Regex)f.GetValue(null)!).IsMatch(s) == NameRules.IsPlain(s)))
                .Select(f => f.DeclaringType!.Name + "." + f.Name);
            Assert.Equal(new[] { "NameRules.Plain" }, lookalikes);
        }

        [Fact]
        public void EveryTimingProfileIsNamedAndOfferedByBothCmdlets()
        {
            var profiles = typeof(PatroniTimingProfile).GetProperties(BindingFlags.Public | BindingFlags.Static)
                .Where(p => p.PropertyType == typeof(PatroniTimingProfile)).Select(p => (PatroniTimingProfile)p.GetValue(null)!).ToList();
            Assert.Equal(profiles.Select(p => p.Name).OrderBy(n => n), PatroniTimingProfile.All.Select(p => p.Name).OrderBy(n => n));
            foreach (var profile in profiles)
            {
                Assert.Same(profile, PatroniTimingProfile.Named(profile.Name));
                Assert.Same(profile, PatroniTimingProfile.Named(profile.Name.ToUpperInvariant()));
                Assert.Empty(profile.Validate());
            }

            Assert.Equal("HaPg.Patroni.InvalidTiming", Assert.Throws<HaPgValidationException>(() => PatroniTimingProfile.Named("Fast")).ErrorId);
            foreach (var cmdlet in new[] { typeof(SetHaPgPatroniConfigCommand), typeof(InstallHaPgHaproxyCommand) })
            {
                var offered = cmdlet.GetProperty("Profile")!.GetCustomAttribute<ValidateSetAttribute>()!.ValidValues;
                Assert.Equal(PatroniTimingProfile.All.Select(p => p.Name).OrderBy(n => n), offered.OrderBy(n => n));
            }
        }
    }
}
