/** LDAP controls ldapts does not ship. */
import { Control } from 'ldapts';

/** LDAP_SERVER_SHOW_DELETED_OID: Active Directory returns tombstones (deleted objects). No value. */
export class ShowDeletedControl extends Control {
  static readonly OID = '1.2.840.113556.1.4.417';
  constructor() {
    super(ShowDeletedControl.OID, { critical: true });
  }
}
