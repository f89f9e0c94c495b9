using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading.Tasks;
using HaPg.Inventory;
using HaPg.Remote;
using HaPg.Steps;

namespace HaPg.Components.Tls
{
    /// <summary>
    /// Keeps the cluster CA's certificate and one service's certificate and key on a node. A deployed certificate stays while
    /// the cluster CA issued it, it names the node and its address, matches its key and is valid for more than 30 days;
    /// otherwise a new key and certificate are issued in memory and written over SSH stdin (key 0600, the service's user).
    /// </summary>
    public sealed class CertificateStep : NodeStep, IWritesFiles
    {
        private readonly ClusterCa? ca;
        private readonly HaPgNode node;
        private readonly bool renew;
        private readonly Func<DateTimeOffset> clock;

        /// <param name="ca">The cluster CA; null only for a plan that is shown, never run (-WhatIf before any CA exists).</param>
        /// <param name="renew">Issue a new certificate even when the deployed one may stay (Update-HaPgCertificate).</param>
        public CertificateStep(ClusterCa? ca, HaPgInventory inventory, HaPgNode node, TlsIdentity identity, bool renew = false, Func<DateTimeOffset>? clock = null)
            : base("certificate " + identity.CertificatePath)
        {
            this.ca = ca;
            this.node = node;
            this.renew = renew;
            Identity = identity;
            ExtraNames = identity.ExtraNames(inventory);
            this.clock = clock ?? (() => DateTimeOffset.UtcNow);
        }

        public TlsIdentity Identity { get; }

        public IReadOnlyList<string> WrittenPaths => new[] { TlsIdentity.CaPath, Identity.KeyPath, Identity.CertificatePath }.Distinct().ToList();

        /// <summary>Names the certificate carries besides the node's own (see <see cref="TlsIdentity.ExtraNames"/>).</summary>
        public IReadOnlyList<string> ExtraNames { get; }

        public override IEnumerable<string> Describe()
        {
            yield return $"file:  {TlsIdentity.CaPath} (mode 0644, root:root, the cluster CA's certificate{(ca is null ? string.Empty : " " + ca.Sha256Fingerprint)})";
            var names = string.Join(", ", new[] { node.Name, node.Address }.Concat(ExtraNames).Distinct(StringComparer.OrdinalIgnoreCase));
            yield return renew
                ? $"issue: a new key and certificate for {Identity.CertificatePath}, naming {names}"
                : $"check: {Identity.CertificatePath} issued by the cluster CA, naming {names}, matching its key, valid for more than {CertificatePolicy.RenewBefore.TotalDays:N0} days";
            var owner = Identity.Owner + ":" + Identity.Owner;
            if (Identity.Combined)
            {
                yield return $"file:  {Identity.CertificatePath} (mode 0600, {owner}, a new certificate and key, only when the check fails; key not shown)";
            }
            else
            {
                yield return $"file:  {Identity.KeyPath} (mode 0600, {owner}, a new key, only when the check fails; not shown)";
                yield return $"file:  {Identity.CertificatePath} (mode 0644, {owner}, its certificate)";
            }
        }

        public override async Task<StepOutcome> ApplyAsync(StepContext context)
        {
            var host = context.Host;
            var ct = context.CancellationToken;
            var authority = ca ?? throw new InvalidOperationException("CertificateStep needs the cluster CA to run.");
            var changed = new List<string>();
            if (await host.EnsureFileAsync(TlsIdentity.CaPath, authority.CertificatePem, "0644", "root", "root", null, ct).ConfigureAwait(false))
            {
                changed.Add("CA certificate written");
            }

            var owner = Identity.Owner;
            var certificateText = await host.ReadFileAsync(Identity.CertificatePath, ct).ConfigureAwait(false);
            var keyText = Identity.Combined ? certificateText : await host.ReadFileAsync(Identity.KeyPath, ct).ConfigureAwait(false);
            var reason = renew ? "rotation" : RenewReason(authority, certificateText, keyText);
            if (reason is null)
            {
                // Kept: only modes and owners are put right.
                if (Identity.Combined)
                {
                    await EnsureAsync(Identity.CertificatePath, certificateText!, "0600", "certificate and key mode put right").ConfigureAwait(false);
                }
                else
                {
                    await EnsureAsync(Identity.KeyPath, keyText!, "0600", "key mode put right").ConfigureAwait(false);
                    await EnsureAsync(Identity.CertificatePath, certificateText!, "0644", "certificate mode put right").ConfigureAwait(false);
                }

                return changed.Count == 0 ? StepOutcome.Unchanged(Name) : StepOutcome.ChangedBy(Name, string.Join(", ", changed));
            }

            if (!authority.HasKey)
            {
                throw new HaPgRemoteException(TlsErrorIds.CaKeyMissing, System.Management.Automation.ErrorCategory.SecurityError, node,
                    $"{node.Name}: {Identity.CertificatePath} needs a new certificate ({reason}), but this session holds only the cluster CA's " +
                    "certificate, not its key. Import the inventory with the secrets file that holds caPrivateKey (Import-HaPgInventory -SecretsPath).");
            }

            var issued = authority.Issue(node.Name, node.Address, clock(), ExtraNames);
            if (Identity.Combined)
            {
                await host.WriteFileAsync(Identity.CertificatePath, issued.CertificatePem + issued.PrivateKeyPem, "0600", owner, owner, null, ct).ConfigureAwait(false);
            }
            else
            {
                // Key first: a run cut off in between leaves a certificate that does not match, which the next run replaces.
                await host.WriteFileAsync(Identity.KeyPath, issued.PrivateKeyPem, "0600", owner, owner, null, ct).ConfigureAwait(false);
                await host.WriteFileAsync(Identity.CertificatePath, issued.CertificatePem, "0644", owner, owner, null, ct).ConfigureAwait(false);
            }

            changed.Add($"issued, valid until {issued.Info.NotAfter.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture)} ({reason})");
            return StepOutcome.ChangedBy(Name, string.Join(", ", changed));

            async Task EnsureAsync(string path, string content, string mode, string what)
            {
                if (await host.EnsureFileAsync(path, content, mode, owner, owner, null, ct).ConfigureAwait(false))
                {
                    changed.Add(what);
                }
            }
        }

        /// <summary>Null when the deployed pair may stay; else why not.</summary>
        public string? RenewReason(ClusterCa authority, string? certificateText, string? keyText)
        {
            if (string.IsNullOrWhiteSpace(certificateText) || string.IsNullOrWhiteSpace(keyText))
            {
                return "none deployed";
            }

            try
            {
                var deployed = CertificateInfo.Parse(certificateText!);
                return CertificatePolicy.RenewReason(deployed, authority, node.Name, node.Address, clock(), keyText, ExtraNames);
            }
            catch (HaPgException)
            {
                return "unreadable";
            }
        }
    }
}
