using HaPg.Components.Common;
using HaPg.Steps;

namespace HaPg.Components.Patroni
{
    /// <summary>/etc/systemd/system/patroni.service for Debian/Ubuntu's patroni package (/usr/bin/patroni).</summary>
    public static class PatroniService
    {
        public const string UnitPath = "/etc/systemd/system/patroni.service";
        public const string UnitName = "patroni.service";
        public const string ReloadCommand = "systemctl reload patroni";

        /// <param name="etcdOnThisNode">Order after the local etcd (without requiring it: the other members suffice).</param>
        public static DesiredFile RenderUnit(bool etcdOnThisNode) =>
            new DesiredFile(UnitPath,
                "# Managed by HaPg.\n" +
                "[Unit]\n" +
                "Description=Patroni PostgreSQL high-availability manager\n" +
                "After=network-online.target" + (etcdOnThisNode ? " etcd.service" : string.Empty) + "\n" +
                "Wants=network-online.target\n" +
                "ConditionPathExists=" + PatroniConfig.FilePath + "\n" +
                "\n" +
                "[Service]\n" +
                "Type=simple\n" +
                "User=postgres\n" +
                "Group=postgres\n" +
                "ExecStart=/usr/bin/patroni " + PatroniConfig.FilePath + "\n" +
                "ExecReload=/bin/kill -s HUP $MAINPID\n" +
                "KillMode=process\n" +
                "TimeoutSec=30\n" +
                "Restart=on-failure\n" +
                "\n" +
                "[Install]\n" +
                "WantedBy=multi-user.target\n",
                "0644", "root", "root", containsSecrets: false);
    }
}
